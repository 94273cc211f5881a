package io.bridgewatch.launcher.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Equality of JSON trees with numbers compared within a tolerance, per field name where one is given. */
final class JsonTolerance {
    /** How far two numbers may differ. */
    record Tolerance(double absolute, double relative) {
        static Tolerance absolute(double bound) {
            return new Tolerance(bound, 0);
        }

        static Tolerance relative(double bound) {
            return new Tolerance(0, bound);
        }

        boolean accepts(double x, double y) {
            double difference = Math.abs(x - y);
            return x == y || difference <= absolute || difference <= relative * Math.max(Math.abs(x), Math.abs(y));
        }
    }

    private JsonTolerance() {
    }

    static boolean equal(JsonNode a, JsonNode b, Tolerance tolerance, Map<String, Tolerance> byField) {
        if (a.isNumber() && b.isNumber()) {
            return tolerance.accepts(a.asDouble(), b.asDouble());
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode other = b.get(field.getKey());
                Tolerance fieldTolerance = byField.getOrDefault(field.getKey(), tolerance);
                if (other == null || !equal(field.getValue(), other, fieldTolerance, byField)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i), tolerance, byField)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
