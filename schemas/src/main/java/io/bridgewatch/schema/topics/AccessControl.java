package io.bridgewatch.schema.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least each Bridgewatch client needs on a cluster that authorizes (Kafka ACLs): a collector (and the trace
 * import) writes the node topics and reads nothing; a streams-app reads the node topics, writes and reads the
 * result topics and owns what its application id names (internal topics, its group, its transactions). Topics
 * are created by an operator identity beforehand ({@code topics.provision = false} for the streams-app).
 */
public final class AccessControl {
    /** What collectors write: node facts and events. */
    public static final List<String> NODE_TOPICS = List.of(Topics.NODES, Topics.CROSSINGS, Topics.KERNELS,
            Topics.SERVING, Topics.NODE_EVENTS);
    /** What the streams-app writes. */
    public static final List<String> RESULT_TOPICS = List.of(Topics.BRIDGE_COST, Topics.CONCURRENCY,
            Topics.MITIGATION, Topics.PHASES, Topics.COMPUTE_PARITY, Topics.ALERTS, Topics.DLQ);

    private AccessControl() {
    }

    /** A collector's principal (e.g. {@code User:collector-cvm-7}): write the node topics, nothing else. */
    public static List<AclBinding> collector(String principal) {
        List<AclBinding> acls = new ArrayList<>();
        NODE_TOPICS.forEach(topic -> acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL,
                AclOperation.WRITE)));
        acls.add(allow(principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
                AclOperation.IDEMPOTENT_WRITE));
        return acls;
    }

    /** A streams-app's principal, for the application id its instances share. */
    public static List<AclBinding> streamsApp(String principal, String applicationId) {
        List<AclBinding> acls = new ArrayList<>();
        NODE_TOPICS.forEach(topic -> acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL,
                AclOperation.READ)));
        RESULT_TOPICS.forEach(topic -> {
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
        });
        // Changelog and repartition topics, the consumer group and the transactional ids all start with the id.
        acls.add(allow(principal, ResourceType.TOPIC, applicationId, PatternType.PREFIXED, AclOperation.ALL));
        acls.add(allow(principal, ResourceType.GROUP, applicationId, PatternType.PREFIXED, AclOperation.READ));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED,
                AclOperation.WRITE));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED,
                AclOperation.DESCRIBE));
        acls.add(allow(principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
                AclOperation.IDEMPOTENT_WRITE));
        acls.add(allow(principal, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.DESCRIBE));
        return acls;
    }

    /** Creates the bindings (creating one that exists changes nothing). */
    public static void apply(Admin admin, List<AclBinding> acls) {
        try {
            admin.createAcls(acls).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating ACLs", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create ACLs: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
            AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
