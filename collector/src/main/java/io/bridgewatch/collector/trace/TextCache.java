package io.bridgewatch.collector.trace;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * One string per distinct text value, looked up from the parser's characters without making a string first: a
 * trace repeats a few dozen categories and names (kernel names of hundreds of characters) millions of times. Holds
 * up to {@value #MAX_TEXTS} texts of up to {@value #MAX_LENGTH} characters; others are made afresh each time.
 */
final class TextCache {
    static final int MAX_TEXTS = 4096;
    static final int MAX_LENGTH = 1024;
    /** Open addressing, linear probing, never more than half full. */
    private final String[] slots = new String[MAX_TEXTS * 2];
    private int size;

    /** The current string token's text. */
    String text(JsonParser parser) throws IOException {
        int length = parser.getTextLength();
        if (length > MAX_LENGTH) {
            return parser.getText();
        }
        char[] chars = parser.getTextCharacters();
        int offset = parser.getTextOffset();
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + chars[offset + i];
        }
        int mask = slots.length - 1;
        for (int slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
            String known = slots[slot];
            if (known == null) {
                String text = new String(chars, offset, length);
                if (size < MAX_TEXTS) {
                    slots[slot] = text;
                    size++;
                }
                return text;
            }
            if (known.hashCode() == hash && equals(known, chars, offset, length)) {
                return known;
            }
        }
    }

    private static boolean equals(String known, char[] chars, int offset, int length) {
        if (known.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (known.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** Spreads String's hash over the low bits (it clusters for texts that differ in their last characters). */
    private static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
