package io.bridgewatch.config;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/** A PKCS12 keystore named in a config file, with its password. */
public record Keystore(Path file, String password) {

    /** The keystore of a file key and a password key of the loaded config, if the file is set. */
    public static Optional<Keystore> of(ConfigFile.Loaded loaded, String fileKey, String passwordKey) {
        String file = (String) loaded.get(fileKey);
        Password password = (Password) loaded.get(passwordKey);
        return Optional.ofNullable(file).map(f -> new Keystore(Path.of(f), password == null ? "" : password.value()));
    }

    @Override
    public String toString() {
        return "Keystore[" + file + "]";
    }
}
