package io.bridgewatch.kafka.embedded;

import java.util.HashMap;
import java.util.Map;

/**
 * Client settings for a secured cluster, as Kafka's client properties (the {@code kafka.*} keys of the collector's
 * and the streams-app's config files, without the prefix): SASL_SSL with SCRAM-SHA-512, or mutual TLS.
 */
public final class KafkaClientSecurity {
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private KafkaClientSecurity() {
    }

    /** A user and password, over TLS that trusts {@code authority}. */
    public static Map<String, String> scram(String user, String password, LocalCertificateAuthority authority) {
        Map<String, String> settings = trusting(authority);
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", SCRAM_MECHANISM);
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + user + "\" password=\"" + password + "\";");
        return settings;
    }

    /** A client certificate (its CN is the principal), over TLS that trusts {@code authority}. */
    public static Map<String, String> mutualTls(LocalCertificateAuthority.Identity identity,
            LocalCertificateAuthority authority) {
        Map<String, String> settings = trusting(authority);
        settings.put("security.protocol", "SSL");
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.keystore.location", identity.keystore().toString());
        settings.put("ssl.keystore.password", identity.password());
        settings.put("ssl.key.password", identity.password());
        return settings;
    }

    private static Map<String, String> trusting(LocalCertificateAuthority authority) {
        Map<String, String> settings = new HashMap<>();
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.truststore.location", authority.truststore().toString());
        settings.put("ssl.truststore.password", authority.truststorePassword());
        return settings;
    }
}
