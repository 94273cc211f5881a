package io.bridgewatch.streams.query;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Who may ask the query API, and over what: TLS from a PKCS12 keystore (the instance's certificate) and a bearer
 * token every request but {@code /health} must carry. The same settings make the requests an instance sends its
 * peers (forwarded reads, distributed SQL): https, trusting the truststore, with the token. Without a keystore the
 * API is plain HTTP; without a token it answers anyone who reaches it (bind it to loopback then).
 *
 * @param keystore the server's certificate and key, or empty for plain HTTP
 * @param truststore what peers' certificates are checked against, or empty for the JVM's default trust
 * @param token the bearer token, or empty for no authentication
 */
public record HttpAccess(Optional<Store> keystore, Optional<Store> truststore, Optional<BearerToken> token) {
    public static final HttpAccess OPEN = new HttpAccess(Optional.empty(), Optional.empty(), Optional.empty());

    /** A PKCS12 file and its password. */
    public record Store(Path file, String password) {
    }

    public String scheme() {
        return keystore.isPresent() ? "https" : "http";
    }

    /** A server on the address: HTTPS when there is a keystore. */
    HttpServer createServer(InetSocketAddress address, int backlog) throws IOException {
        if (keystore.isEmpty()) {
            return HttpServer.create(address, backlog);
        }
        HttpsServer server = HttpsServer.create(address, backlog);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
        return server;
    }

    /** Refuses (401) a request without the token; lets every request through when there is none. */
    Filter authentication() {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                if (token.isPresent() && !token.get().admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    // The refused request's body is left unread: the connection closes after the answer, so that
                    // the client's next request does not meet those bytes (nor wait on a connection the server
                    // gave up on: a client that reused it saw no answer until the server's idle timeout).
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"bridgewatch\"");
                    exchange.getResponseHeaders().set("Connection", "close");
                    AnswerJson.respond(exchange, 401, AnswerJson.error(401, "a bearer token is required"));
                    return;
                }
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "bearer token";
            }
        };
    }

    /** A client for the peers: trusting the truststore where there is one. */
    public HttpClient client(Duration connectTimeout) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
        truststore.ifPresent(store -> builder.sslContext(clientContext()));
        return builder.build();
    }

    /** The request with the token, where there is one. */
    public HttpRequest.Builder authorize(HttpRequest.Builder request) {
        token.ifPresent(t -> request.header("Authorization", t.header()));
        return request;
    }

    private SSLContext serverContext() {
        return serverTls(keystore.orElseThrow());
    }

    /** A TLS server context presenting the keystore's certificate (the metrics endpoints use it too). */
    public static SSLContext serverTls(Store store) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(store), store.password().toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the keystore " + store.file() + ": " + e, e);
        }
    }

    private SSLContext clientContext() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(truststore.orElseThrow()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the truststore " + truststore.get().file() + ": " + e, e);
        }
    }

    private static KeyStore load(Store store) throws GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store.file())) {
            keyStore.load(in, store.password().toCharArray());
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot read " + store.file() + ": " + e.getMessage(), e);
        }
        return keyStore;
    }

    @Override
    public String toString() {
        return "HttpAccess[" + scheme() + (token.isPresent() ? ", bearer token" : ", no token") + "]";
    }
}
