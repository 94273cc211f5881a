package io.bridgewatch.collector.agent;

import io.bridgewatch.schema.EventSink;
import io.bridgewatch.collector.input.TraceNodeInfo;
import io.bridgewatch.schema.CcMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's end of the agent's local channel: a Unix socket where each process running the agent connects
 * and streams its records. Each connection gets its own assembler (correlation ids are per process) and hands its
 * events, and the node's NodeInfo whenever the agent states facts or reports drops (label
 * {@code agent_dropped_records}), to the sink (the collector, which produces them
 * to Kafka). A connection whose stream turns out damaged is closed with a clear log line, after everything valid
 * before the damage was handed on; the server keeps serving the others. Only admitted peers ({@link AgentPeers},
 * checked by the kernel's credentials of the connecting process) are read; the socket file is the owner's and
 * its group's only.
 */
public final class AgentSocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSocketServer.class);

    /** What one connection delivered. */
    public record ConnectionSummary(long connection, long crossings, long kernels, long memsets, long dropped,
            String damage) {
    }

    private final Path socket;
    private final String nodeId;
    private final Map<String, String> labels;
    private final EventSink sink;
    private final AgentPeers peers;
    private final ServerSocketChannel server;
    private final AtomicLong connections = new AtomicLong();
    private final Thread acceptor;
    private final List<ConnectionSummary> finished = new CopyOnWriteArrayList<>();

    /**
     * Binds the socket (replacing a stale socket file left by a collector that died) and starts accepting.
     *
     * @param labels labels of the node (and {@code cc_mode}, {@code model}, ... as for imports)
     */
    public AgentSocketServer(Path socket, String nodeId, Map<String, String> labels, EventSink sink) {
        this(socket, nodeId, labels, sink, AgentPeers.ownUser());
    }

    /** As above, admitting the given peers. */
    public AgentSocketServer(Path socket, String nodeId, Map<String, String> labels, EventSink sink,
            AgentPeers peers) {
        this.socket = socket;
        this.nodeId = nodeId;
        this.labels = Map.copyOf(labels);
        this.sink = sink;
        this.peers = peers;
        try {
            Files.deleteIfExists(socket);
            if (socket.getParent() != null) {
                Files.createDirectories(socket.getParent());
            }
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        acceptor = new Thread(this::accept, "agent-socket-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public Path socket() {
        return socket;
    }

    /** Summaries of the connections that have ended so far. */
    public List<ConnectionSummary> finishedConnections() {
        return List.copyOf(finished);
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                long id = connections.incrementAndGet();
                Thread reader = new Thread(() -> serve(id, channel), "agent-connection-" + id);
                reader.setDaemon(true);
                reader.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("agent socket {}: accept failed: {}", socket, e.getMessage());
            }
        }
    }

    private void serve(long id, SocketChannel channel) {
        String refusal = refusal(channel);
        if (refusal != null) {
            LOG.error("agent connection {} on {}: {}", id, socket, refusal);
            closeQuietly(channel);
            finished.add(new ConnectionSummary(id, 0, 0, 0, 0, refusal));
            return;
        }
        AgentEventAssembler assembler = new AgentEventAssembler(nodeId, sink);
        String damage = null;
        try (channel; InputStream in = Channels.newInputStream(channel)) {
            new AgentRecordReader(in).readAll(record -> {
                assembler.accept(record);
                // Facts, and drops (a label of the node), are republished as they change: the topic is compacted.
                if (record instanceof AgentRecord.Info
                        || record instanceof AgentRecord.Drops drops && drops.dropped() > 0) {
                    sink.nodeInfo(TraceNodeInfo.of(nodeId, assembler.facts(), assembler.facts().gpuSku(),
                            ccMode(assembler.facts().ccMode()), System.currentTimeMillis() * 1_000_000L, labels));
                }
            });
        } catch (AgentStreamException e) {
            damage = e.getMessage();
            LOG.error("agent connection {} on {}: {}; the records before it were kept, the connection is closed",
                    id, socket, e.getMessage());
        } catch (IOException e) {
            damage = "connection failed: " + e.getMessage();
            LOG.warn("agent connection {} on {}: {}", id, socket, damage);
        }
        assembler.finish();
        ConnectionSummary summary = new ConnectionSummary(id, assembler.crossings(), assembler.kernels(),
                assembler.memsets(), assembler.dropped(), damage);
        finished.add(summary);
        LOG.info("agent connection {} ended: {} crossings, {} kernels, {} memsets, {} records dropped by the agent",
                id, summary.crossings(), summary.kernels(), summary.memsets(), summary.dropped());
    }

    /** Why a connection is not read (its peer is not admitted, or has no credentials), or null. */
    private String refusal(SocketChannel channel) {
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return peers.admits(peer) ? null : "refused: peer user " + peer.user().getName() + " (group "
                    + peer.group().getName() + ") is not admitted (agent.allowed.users, agent.allowed.groups)";
        } catch (IOException | UnsupportedOperationException e) {
            return "refused: the peer's credentials cannot be read: " + e.getMessage();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing a refused agent connection: {}", e.getMessage());
        }
    }

    private CcMode ccMode(String stated) {
        String mode = labels.getOrDefault("cc_mode", stated);
        try {
            return mode == null || mode.isEmpty() ? CcMode.UNKNOWN : CcMode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return CcMode.UNKNOWN;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(1000);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("closing agent socket {}: {}", socket, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
