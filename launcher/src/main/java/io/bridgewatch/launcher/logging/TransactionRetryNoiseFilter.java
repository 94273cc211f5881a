package io.bridgewatch.launcher.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops one benign broker error of the embedded broker: with exactly-once streams, the first batch of a new
 * transaction can be answered CONCURRENT_TRANSACTIONS while the previous commit's markers are written; the batches
 * pipelined behind it are refused with OutOfOrderSequenceException, logged by the broker's ReplicaManager at ERROR,
 * and the producer resends them in order. Every other error passes.
 */
public final class TransactionRetryNoiseFilter extends Filter<ILoggingEvent> {
    private static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";
    private static final String OUT_OF_ORDER = "org.apache.kafka.common.errors.OutOfOrderSequenceException";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        IThrowableProxy error = event.getThrowableProxy();
        if (REPLICA_MANAGER.equals(event.getLoggerName()) && error != null
                && OUT_OF_ORDER.equals(error.getClassName())) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
