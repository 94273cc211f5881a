package io.bridgewatch.config;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The keys that guard a service's /metrics endpoint (HTTPS, bearer token), the same for every service. */
public final class MetricsAccessKeys {
    public static final String TOKEN_FILE = "metrics.token.file";
    public static final String TLS_KEYSTORE = "metrics.tls.keystore";
    public static final String TLS_KEYSTORE_PASSWORD = "metrics.tls.keystore.password";

    private MetricsAccessKeys() {
    }

    /** Adds the keys to a service's definition. */
    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(TOKEN_FILE, Type.STRING, null, ConfigFile.FILE_PATH, Importance.MEDIUM,
                        "File whose first line is the bearer token scrapes of /metrics must show; unset: none.")
                .define(TLS_KEYSTORE, Type.STRING, null, ConfigFile.FILE_PATH, Importance.MEDIUM,
                        "PKCS12 keystore of /metrics: HTTPS only.")
                .define(TLS_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Its password.");
    }

    public static Optional<Path> tokenFile(ConfigFile.Loaded loaded) {
        return Optional.ofNullable((String) loaded.get(TOKEN_FILE)).map(Path::of);
    }

    public static Optional<Keystore> tls(ConfigFile.Loaded loaded) {
        return Keystore.of(loaded, TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD);
    }
}
