package io.bridgewatch.launcher.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Equality of JSON trees with numbers compared within a relative tolerance. */
final class JsonTolerance {
    private JsonTolerance() {
    }

    static boolean equal(JsonNode a, JsonNode b, double relative) {
        if (a.isNumber() && b.isNumber()) {
            double x = a.asDouble();
            double y = b.asDouble();
            return x == y || Math.abs(x - y) <= relative * Math.max(Math.abs(x), Math.abs(y));
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode other = b.get(field.getKey());
                if (other == null || !equal(field.getValue(), other, relative)) {
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
                if (!equal(a.get(i), b.get(i), relative)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
