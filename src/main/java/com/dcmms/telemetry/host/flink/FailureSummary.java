package com.dcmms.telemetry.host.flink;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.util.SerializedThrowable;

/**
 * One line saying why the job failed, for the log, the API and readiness: the root cause, and for
 * Kafka's security errors what they mean and which options to check. Configured secrets are masked,
 * in case a library ever puts one into a message.
 */
final class FailureSummary {
  private static final Pattern JAAS_VALUE =
      Pattern.compile("(?i)(password|secret|token)\\s*=\\s*\"([^\"]*)\"");

  private FailureSummary() {}

  static String of(Throwable failure, TelemetryJobOptions options) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    String brokers = options.kafkaBootstrapServers();
    String line = null;
    for (Throwable t : chain) {
      String kind = className(t);
      if (kind.endsWith(".SaslAuthenticationException")) {
        line =
            "Kafka at "
                + brokers
                + " refused the credentials (check kafka.property.sasl.jaas.config "
                + "and sasl.mechanism): "
                + describe(t);
      } else if (kind.endsWith(".SslAuthenticationException")) {
        line =
            "TLS with Kafka at " + brokers + " failed (check kafka.property.ssl.*): " + describe(t);
      } else if (kind.startsWith("org.apache.kafka.") && kind.endsWith("AuthorizationException")) {
        line =
            "Kafka at "
                + brokers
                + " denied access (check the ACLs of the job's user): "
                + describe(t);
      }
      if (line != null) {
        break;
      }
    }
    if (line == null) {
      line = describe(chain.get(chain.size() - 1));
    }
    return mask(line, options);
  }

  /** Replaces every configured secret (and every quoted secret inside a JAAS line) with ****. */
  static String mask(String text, TelemetryJobOptions options) {
    List<String> secrets = new ArrayList<>();
    options
        .asMap()
        .forEach(
            (key, value) -> {
              if (TelemetryJobOptions.isSecret(key) && !value.isEmpty()) {
                secrets.add(value);
                Matcher m = JAAS_VALUE.matcher(value);
                while (m.find()) {
                  secrets.add(m.group(2));
                }
              }
            });
    // Longest first, so a whole JAAS line goes before the password inside it.
    secrets.sort(Comparator.comparingInt(String::length).reversed());
    String masked = text;
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        masked = masked.replace(secret, "****");
      }
    }
    return masked;
  }

  private static String describe(Throwable t) {
    String name = className(t);
    String simple = name.substring(name.lastIndexOf('.') + 1);
    String message = t.getMessage();
    // A serialized cause's message is the original's toString(): "class: message".
    if (message != null && message.startsWith(name)) {
      message = message.substring(name.length()).replaceFirst("^: ", "");
    }
    return message == null || message.isEmpty() ? simple : simple + ": " + message;
  }

  private static String className(Throwable t) {
    // Failures reach the host serialized; the original class name is what tells what happened.
    return t instanceof SerializedThrowable s
        ? s.getOriginalErrorClassName()
        : t.getClass().getName();
  }
}
