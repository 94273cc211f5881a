package io.bridgewatch.schema.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to instantiate generated classes outside its default trusted set while decoding. Bridgewatch's
 * own schema package is trusted here, once, so that no deployment needs a system property for it.
 */
final class TrustedPackages {
    static final String SCHEMA_PACKAGE = "io.bridgewatch.";
    private static boolean installed;

    private TrustedPackages() {
    }

    static synchronized void ensureTrusted() {
        if (installed) {
            return;
        }
        ClassSecurityPredicate ours = type -> type.getName().startsWith(SCHEMA_PACKAGE);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
        installed = true;
    }
}
