package io.bridgewatch.schema.serde;

import io.bridgewatch.schema.BridgeCostWindow;
import io.bridgewatch.schema.Crossing;
import io.bridgewatch.schema.DeadLetter;
import io.bridgewatch.schema.KernelExec;
import io.bridgewatch.schema.NodeInfo;
import io.bridgewatch.schema.ServingSample;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Serdes for every Bridgewatch record, each resolving the record's released writer schemas. */
public final class BridgewatchSerdes {
    private BridgewatchSerdes() {
    }

    public static SingleObjectSerde<NodeInfo> nodeInfo() {
        return of(NodeInfo.class);
    }

    public static SingleObjectSerde<Crossing> crossing() {
        return of(Crossing.class);
    }

    public static SingleObjectSerde<KernelExec> kernelExec() {
        return of(KernelExec.class);
    }

    public static SingleObjectSerde<ServingSample> servingSample() {
        return of(ServingSample.class);
    }

    public static SingleObjectSerde<BridgeCostWindow> bridgeCostWindow() {
        return of(BridgeCostWindow.class);
    }

    public static SingleObjectSerde<DeadLetter> deadLetter() {
        return of(DeadLetter.class);
    }

    /** A serde for any generated Bridgewatch record class. */
    public static <T extends SpecificRecord> SingleObjectSerde<T> of(Class<T> type) {
        TrustedPackages.ensureTrusted();
        return new SingleObjectSerde<>(type, SpecificData.get().getSchema(type),
                ReleasedSchemas.writerSchemasOf(type.getName()));
    }
}
