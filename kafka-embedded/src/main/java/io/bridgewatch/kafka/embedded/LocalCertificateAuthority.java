package io.bridgewatch.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made on the spot, for a secured embedded broker and its clients (tests, a secured demo):
 * an EC P-256 CA, and PKCS12 keystores it issues to named identities (CN = the name, which the broker maps to the
 * principal {@code User:<name>}), valid for loopback. Everything lives in a folder of its own with random
 * passwords; nothing is committed, and a fresh authority is made each time.
 */
public final class LocalCertificateAuthority {
    private static final Duration VALIDITY = Duration.ofDays(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A keystore holding one identity's key and certificate chain. */
    public record Identity(String name, Path keystore, String password) {
    }

    private final Path dir;
    private final String name;
    private final KeyPair key;
    private final X509Certificate certificate;
    private final Path truststore;
    private final String truststorePassword;

    private LocalCertificateAuthority(Path dir, String name, KeyPair key, X509Certificate certificate,
            Path truststore, String truststorePassword) {
        this.dir = dir;
        this.name = name;
        this.key = key;
        this.certificate = certificate;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
    }

    /** A new authority named {@code name}, its files in {@code dir}. */
    public static LocalCertificateAuthority create(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            KeyPair key = keyPair();
            X500Name subject = new X500Name("CN=" + name);
            X509v3CertificateBuilder builder = builder(subject, subject, key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate certificate = sign(builder, key);
            String password = password();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificate);
            Path truststore = dir.resolve(name + "-truststore.p12");
            store(trust, truststore, password);
            return new LocalCertificateAuthority(dir, name, key, certificate, truststore, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the certificate authority " + name + ": " + e, e);
        }
    }

    /** The PKCS12 truststore holding this authority's certificate. */
    public Path truststore() {
        return truststore;
    }

    public String truststorePassword() {
        return truststorePassword;
    }

    public String name() {
        return name;
    }

    /** Issues an identity: a key, and a certificate for CN={@code commonName} valid for 127.0.0.1 and localhost. */
    public Identity issue(String commonName) {
        try {
            KeyPair identityKey = keyPair();
            X509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=" + commonName),
                    identityKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
            X509Certificate issued = sign(builder, key);
            String password = password();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(commonName, identityKey.getPrivate(), password.toCharArray(),
                    new Certificate[] {issued, certificate});
            Path keystore = dir.resolve(commonName + "-keystore.p12");
            store(keys, keystore, password);
            return new Identity(commonName, keystore, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate to " + commonName + ": " + e, e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKey) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject,
                subjectKey.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKey)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("signing failed: " + e.getMessage(), e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static String password() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void store(KeyStore store, Path file, String password) throws GeneralSecurityException,
            IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
    }
}
