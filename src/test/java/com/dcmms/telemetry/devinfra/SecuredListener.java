package com.dcmms.telemetry.devinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The secured client listener of an {@link EmbeddedKafka}: SASL_SSL with SCRAM-SHA-512, users
 * written into the metadata at format time, and a self-signed certificate for 127.0.0.1 made with
 * the JDK's keytool for this broker only. Brokers talk to themselves over it too, as user {@value
 * #BROKER_USER}.
 */
public final class SecuredListener {

  public static final String MECHANISM = "SCRAM-SHA-512";
  static final String NAME = "SASL_SSL";
  private static final String BROKER_USER = "broker";
  private static final String STORE_TYPE = "PKCS12";

  private final String username;
  private final String password;
  private final String brokerPassword = randomSecret();
  private final String storePassword = randomSecret();
  private final Path keystore;
  private final Path truststore;

  private SecuredListener(String username, String password, Path keystore, Path truststore) {
    this.username = username;
    this.password = password;
    this.keystore = keystore;
    this.truststore = truststore;
  }

  /**
   * Makes the certificate, key store and trust store in {@code dir}; {@code username} is the
   * clients' user.
   */
  static SecuredListener create(Path dir, String username, String password) {
    requireScramSafe(username);
    requireScramSafe(password);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir, e);
    }
    SecuredListener listener =
        new SecuredListener(
            username,
            password,
            dir.resolve("broker-keystore.p12"),
            dir.resolve("client-truststore.p12"));
    listener.generateCertificate(dir.resolve("broker-cert.pem"));
    return listener;
  }

  /** The users for the Formatter: the clients' and the broker's own. */
  List<String> scramArguments() {
    return List.of(scram(username, password), scram(BROKER_USER, brokerPassword));
  }

  /** Broker settings of the listener named {@value #NAME}, for clients and inter-broker traffic. */
  Map<String, Object> brokerConfig() {
    Map<String, Object> props = new HashMap<>();
    props.put("sasl.enabled.mechanisms", MECHANISM);
    props.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    props.put(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(BROKER_USER, brokerPassword));
    props.put("ssl.keystore.location", keystore.toString());
    props.put("ssl.keystore.type", STORE_TYPE);
    props.put("ssl.keystore.password", storePassword);
    props.put("ssl.key.password", storePassword);
    // The broker is a client of itself (transaction markers), so it trusts its certificate too.
    props.putAll(trustStore());
    return props;
  }

  /**
   * Client settings for this listener with the given credentials (right or wrong), without
   * bootstrap.servers.
   */
  public Map<String, String> clientProperties(String user, String secret) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("security.protocol", NAME);
    props.put("sasl.mechanism", MECHANISM);
    props.put("sasl.jaas.config", jaas(user, secret));
    props.putAll(trustStore());
    return props;
  }

  private Map<String, String> trustStore() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("ssl.truststore.location", truststore.toString());
    props.put("ssl.truststore.type", STORE_TYPE);
    props.put("ssl.truststore.password", storePassword);
    return props;
  }

  /** Client settings with the right credentials. */
  public Map<String, String> clientProperties() {
    return clientProperties(username, password);
  }

  public String username() {
    return username;
  }

  /** The trust store's password: a secret too, which must not show up anywhere. */
  public String truststorePassword() {
    return storePassword;
  }

  public static String jaas(String user, String secret) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + secret
        + "\";";
  }

  private static String scram(String user, String secret) {
    return MECHANISM + "=[name=" + user + ",password=" + secret + "]";
  }

  private void generateCertificate(Path pem) {
    // SAN IP:127.0.0.1, so clients keep the default hostname verification (https).
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=IP:127.0.0.1",
        "-keystore",
        keystore.toString(),
        "-storetype",
        STORE_TYPE,
        "-storepass",
        storePassword,
        "-keypass",
        storePassword);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "broker",
        "-keystore",
        keystore.toString(),
        "-storetype",
        STORE_TYPE,
        "-storepass",
        storePassword,
        "-file",
        pem.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        pem.toString(),
        "-keystore",
        truststore.toString(),
        "-storetype",
        STORE_TYPE,
        "-storepass",
        storePassword);
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run keytool from " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running keytool " + args[0], e);
    }
  }

  private static void requireScramSafe(String value) {
    // The Formatter's SCRAM arguments and the JAAS line have no escaping of their own.
    if (value == null || value.isEmpty() || !value.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException(
          "SCRAM user names and passwords here must be [A-Za-z0-9_.-]+");
    }
  }

  private static String randomSecret() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
