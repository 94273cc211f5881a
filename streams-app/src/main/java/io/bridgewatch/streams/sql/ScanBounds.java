package io.bridgewatch.streams.sql;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * What a scan needs to read, from the query's conjunctive predicates: the keys (from {@code key = 'x'} or
 * {@code key IN (...)}) and an inclusive time range in milliseconds (from comparisons, BETWEEN or ranges on a time
 * column, in nanoseconds or as a timestamp, constant expressions such as {@code CURRENT_TIMESTAMP - INTERVAL '1'
 * HOUR} evaluated first). Bounds only narrow the read: Calcite still applies every predicate to the rows read, so a
 * bound that is not exact (a fractional nanosecond literal) never changes an answer.
 */
public record ScanBounds(Optional<Set<String>> keys, long fromMs, long toMs) {
    private static final long NS_PER_MS = 1_000_000L;

    /** Reads everything. */
    public static final ScanBounds ALL = new ScanBounds(Optional.empty(), 0, Long.MAX_VALUE);

    /** Whether no row can match (an empty key set or an empty time range). */
    public boolean empty() {
        return keys.map(Set::isEmpty).orElse(false) || fromMs > toMs;
    }

    /** The time columns of a table: a column index and whether it holds nanoseconds (else a timestamp). */
    public record TimeColumn(int index, boolean nanoseconds) {
    }

    /**
     * @param keyColumn the key column's index, or -1
     * @param timeColumns the columns whose bounds bound the scan's time
     */
    public static ScanBounds of(List<RexNode> filters, int keyColumn, List<TimeColumn> timeColumns,
            DataContext root) {
        Optional<Set<String>> keys = Optional.empty();
        long from = 0;
        long to = Long.MAX_VALUE;
        RexBuilder rex = new RexBuilder(root.getTypeFactory());
        List<RexNode> conjuncts = new ArrayList<>();
        filters.forEach(f -> conjuncts.addAll(RelOptUtil.conjunctions(f)));
        for (RexNode filter : conjuncts) {
            RexNode conjunct = reduceConstants(filter, rex, root);
            if (!(conjunct instanceof RexCall call) || call.getOperands().size() != 2) {
                continue;
            }
            RexNode left = call.getOperands().get(0);
            RexNode right = call.getOperands().get(1);
            SqlKind kind = call.getKind();
            if (!(left instanceof RexInputRef) && right instanceof RexInputRef) {
                RexNode swap = left;
                left = right;
                right = swap;
                kind = kind.reverse();
            }
            if (!(left instanceof RexInputRef ref) || !(right instanceof RexLiteral literal)) {
                continue;
            }
            if (ref.getIndex() == keyColumn) {
                Optional<Set<String>> these = keys(kind, literal);
                if (these.isPresent()) {
                    keys = Optional.of(intersect(keys, these.get()));
                }
                continue;
            }
            for (TimeColumn time : timeColumns) {
                if (time.index() != ref.getIndex()) {
                    continue;
                }
                Optional<Range<Long>> range = timeRange(kind, literal, time.nanoseconds());
                if (range.isPresent()) {
                    if (range.get().hasLowerBound()) {
                        from = Math.max(from, range.get().lowerEndpoint());
                    }
                    if (range.get().hasUpperBound()) {
                        to = Math.min(to, range.get().upperEndpoint());
                    }
                }
            }
        }
        return new ScanBounds(keys, from, to);
    }

    private static Set<String> intersect(Optional<Set<String>> known, Set<String> these) {
        Set<String> result = new LinkedHashSet<>(these);
        known.ifPresent(result::retainAll);
        return result;
    }

    private static Optional<Set<String>> keys(SqlKind kind, RexLiteral literal) {
        if (kind == SqlKind.EQUALS) {
            return Optional.ofNullable(literal.getValueAs(String.class)).map(Set::of);
        }
        if (kind == SqlKind.SEARCH && literal.getValue() instanceof Sarg<?> sarg && sarg.isPoints()
                && !sarg.nullAs.equals(org.apache.calcite.rex.RexUnknownAs.TRUE)) {
            Set<String> points = new LinkedHashSet<>();
            for (Range<?> range : sarg.rangeSet.asRanges()) {
                Object value = range.lowerEndpoint();
                points.add(value instanceof NlsString nls ? nls.getValue() : String.valueOf(value));
            }
            return Optional.of(points);
        }
        return Optional.empty();
    }

    /** The milliseconds of store time a comparison admits, as an inclusive range. */
    private static Optional<Range<Long>> timeRange(SqlKind kind, RexLiteral literal, boolean nanoseconds) {
        if (kind == SqlKind.SEARCH) {
            if (!(literal.getValue() instanceof Sarg<?> sarg) || sarg.rangeSet.isEmpty()) {
                return Optional.empty();
            }
            Range<?> span = sarg.rangeSet.span();
            Long lower = span.hasLowerBound() ? bound(span.lowerEndpoint(), nanoseconds, false,
                    span.lowerBoundType() == BoundType.OPEN) : null;
            Long upper = span.hasUpperBound() ? bound(span.upperEndpoint(), nanoseconds, true,
                    span.upperBoundType() == BoundType.OPEN) : null;
            return Optional.of(range(lower, upper));
        }
        Object value = nanoseconds ? literal.getValueAs(BigDecimal.class) : literal.getValue();
        return switch (kind) {
            case EQUALS -> Optional.of(range(bound(value, nanoseconds, false, false),
                    bound(value, nanoseconds, true, false)));
            case GREATER_THAN -> Optional.of(range(bound(value, nanoseconds, false, true), null));
            case GREATER_THAN_OR_EQUAL -> Optional.of(range(bound(value, nanoseconds, false, false), null));
            case LESS_THAN -> Optional.of(range(null, bound(value, nanoseconds, true, true)));
            case LESS_THAN_OR_EQUAL -> Optional.of(range(null, bound(value, nanoseconds, true, false)));
            default -> Optional.empty();
        };
    }

    private static Range<Long> range(Long lower, Long upper) {
        if (lower == null && upper == null) {
            return Range.all();
        }
        if (lower == null) {
            return Range.atMost(upper);
        }
        return upper == null ? Range.atLeast(lower) : Range.closed(lower, Math.max(lower, upper));
    }

    /**
     * A bound in store milliseconds (a nanosecond time is stored at its floor millisecond): the least admitted
     * millisecond for a lower bound, the greatest for an upper one; null when the literal is not a time.
     */
    private static Long bound(Object value, boolean nanoseconds, boolean upper, boolean strict) {
        long v;
        if (value instanceof TimestampString timestamp) {
            v = timestamp.getMillisSinceEpoch();
        } else if (value instanceof java.util.Calendar calendar) {
            v = calendar.getTimeInMillis();
        } else if (value instanceof Number number) {
            v = number instanceof BigDecimal decimal ? decimal.setScale(0, java.math.RoundingMode.FLOOR).longValue()
                    : number.longValue();
        } else {
            return null;
        }
        if (strict) {
            v = upper ? v - 1 : v + 1;
        }
        return nanoseconds ? Math.floorDiv(v, NS_PER_MS) : v;
    }

    /** Evaluates the constant operands of a comparison (CURRENT_TIMESTAMP arithmetic) to literals. */
    private static RexNode reduceConstants(RexNode filter, RexBuilder rex, DataContext root) {
        if (!(filter instanceof RexCall call)) {
            return filter;
        }
        List<RexNode> operands = new ArrayList<>(call.getOperands());
        boolean changed = false;
        for (int i = 0; i < operands.size(); i++) {
            RexNode operand = operands.get(i);
            if (operand instanceof RexCall && RexUtil.isConstant(operand)) {
                List<RexNode> reduced = new ArrayList<>();
                try {
                    new RexExecutorImpl(root).reduce(rex, List.of(operand), reduced);
                } catch (RuntimeException e) {
                    continue; // not evaluable here: the bound is just not used
                }
                if (reduced.size() == 1 && reduced.get(0) instanceof RexLiteral) {
                    operands.set(i, reduced.get(0));
                    changed = true;
                }
            }
        }
        return changed ? call.clone(call.getType(), operands) : filter;
    }
}
