package com.dcmms.telemetry.job;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;

/**
 * One option of the job: Flink's typed {@link ConfigOption} (key, type, default, description), the
 * environment variable it may also come from, and the values it accepts beyond its type. Immutable;
 * each refinement returns a copy.
 */
public final class JobOption<T> {
  private final ConfigOption<T> option;
  private final Class<T> type;
  private final String environmentVariable;
  private final Predicate<T> accepts;
  private final String expected;
  private final UnaryOperator<String> normalize;
  private final String noValueWord;

  private JobOption(
      ConfigOption<T> option,
      Class<T> type,
      String environmentVariable,
      Predicate<T> accepts,
      String expected,
      UnaryOperator<String> normalize,
      String noValueWord) {
    this.option = option;
    this.type = type;
    this.environmentVariable = environmentVariable;
    this.accepts = accepts;
    this.expected = expected;
    this.normalize = normalize;
    this.noValueWord = noValueWord;
  }

  static JobOption<String> text(String key, String defaultValue, String description) {
    return new JobOption<>(
        ConfigOptions.key(key).stringType().defaultValue(defaultValue).withDescription(description),
        String.class,
        null,
        v -> !v.isEmpty(),
        "a non-empty value",
        UnaryOperator.identity(),
        null);
  }

  /** Text that may be empty, e.g. a credential that is not needed. */
  static JobOption<String> optionalText(String key, String description) {
    return new JobOption<>(
        ConfigOptions.key(key).stringType().defaultValue("").withDescription(description),
        String.class,
        null,
        v -> true,
        "text",
        UnaryOperator.identity(),
        null);
  }

  /** One of a few words, matched ignoring case and {@code _} for {@code -}. */
  static JobOption<String> choice(
      String key, String defaultValue, String description, String... words) {
    List<String> allowed = Arrays.asList(words);
    return new JobOption<>(
        ConfigOptions.key(key).stringType().defaultValue(defaultValue).withDescription(description),
        String.class,
        null,
        allowed::contains,
        String.join(" or ", allowed),
        v -> v.toLowerCase(Locale.ROOT).replace('_', '-'),
        null);
  }

  static JobOption<Integer> wholeNumber(String key, int defaultValue, String description) {
    return new JobOption<>(
        ConfigOptions.key(key).intType().defaultValue(defaultValue).withDescription(description),
        Integer.class,
        null,
        v -> true,
        "a whole number",
        UnaryOperator.identity(),
        null);
  }

  static JobOption<Double> number(String key, double defaultValue, String description) {
    return new JobOption<>(
        ConfigOptions.key(key).doubleType().defaultValue(defaultValue).withDescription(description),
        Double.class,
        null,
        v -> v >= 0 && !v.isInfinite(),
        "a finite number of 0 or more",
        UnaryOperator.identity(),
        null);
  }

  static JobOption<Boolean> flag(String key, boolean defaultValue, String description) {
    return new JobOption<>(
        ConfigOptions.key(key)
            .booleanType()
            .defaultValue(defaultValue)
            .withDescription(description),
        Boolean.class,
        null,
        v -> true,
        "true or false",
        UnaryOperator.identity(),
        null);
  }

  static JobOption<Duration> duration(String key, Duration defaultValue, String description) {
    return new JobOption<>(
        ConfigOptions.key(key)
            .durationType()
            .defaultValue(defaultValue)
            .withDescription(description),
        Duration.class,
        null,
        v -> !v.isNegative(),
        "a duration",
        UnaryOperator.identity(),
        null);
  }

  /** A duration without a default: {@code noValueWord} (or nothing) lets the job choose. */
  static JobOption<Duration> durationOr(String key, String noValueWord, String description) {
    return new JobOption<>(
        ConfigOptions.key(key).durationType().noDefaultValue().withDescription(description),
        Duration.class,
        null,
        v -> !v.isNegative(),
        "a duration",
        UnaryOperator.identity(),
        noValueWord);
  }

  /** The same option, also set by {@code variable} where the runtime reads the environment. */
  JobOption<T> fromEnvironment(String variable) {
    return new JobOption<>(option, type, variable, accepts, expected, normalize, noValueWord);
  }

  /** The same option, accepting only values that pass {@code check} ({@code expected}). */
  JobOption<T> accepting(Predicate<T> check, String expected) {
    return new JobOption<>(
        option, type, environmentVariable, accepts.and(check), expected, normalize, noValueWord);
  }

  JobOption<T> atLeast(int min) {
    return accepting(
        v -> ((Number) v).doubleValue() >= min, "a whole number of " + min + " or more");
  }

  JobOption<T> positive() {
    return accepting(v -> !((Duration) v).isZero(), "a positive duration");
  }

  public String key() {
    return option.key();
  }

  public ConfigOption<T> flinkOption() {
    return option;
  }

  public Class<T> type() {
    return type;
  }

  /** The environment variable that sets this option, or null. */
  public String environmentVariable() {
    return environmentVariable;
  }

  /** What a value must be, as error messages and the reference say it. */
  public String expected() {
    return type == Duration.class
        ? expected + " such as 30s, 500ms or 10min (a bare number is milliseconds)"
        : expected;
  }

  /** What a value must be, without the duration syntax's examples (for the reference). */
  public String accepts() {
    return expected;
  }

  public String description() {
    return option.description().getBlocks().isEmpty()
        ? ""
        : new HtmlFormatter().format(option.description());
  }

  public boolean isSecret() {
    return TelemetryJobOptions.isSecret(key());
  }

  /** The default as a value would be written, or the word that stands for "no value". */
  public String defaultText() {
    return option.hasDefaultValue() ? format(option.defaultValue()) : noValueWord;
  }

  public T defaultValue() {
    return option.hasDefaultValue() ? option.defaultValue() : null;
  }

  /**
   * The value of {@code text} (trimmed), or null for this option's no-value word.
   *
   * @throws IllegalArgumentException naming the key and, unless secret, the text
   */
  T parse(String text) {
    String trimmed = normalize.apply(text.trim());
    if (noValueWord != null && trimmed.equalsIgnoreCase(noValueWord)) {
      return null;
    }
    T value;
    try {
      value = Configuration.fromMap(Map.of(key(), trimmed)).get(option);
    } catch (IllegalArgumentException e) {
      throw invalid(text);
    }
    if (value == null || !accepts.test(value)) {
      throw invalid(text);
    }
    return value;
  }

  IllegalArgumentException invalid(String text) {
    return invalid(key(), expected(), text);
  }

  static IllegalArgumentException invalid(String key, String expected, String text) {
    String shown = TelemetryJobOptions.isSecret(key) ? "(hidden)" : "'" + text.trim() + "'";
    return new IllegalArgumentException(
        "telemetry option '" + key + "' must be " + expected + ", got " + shown);
  }

  /** A value as it would be written: durations in their largest exact unit ({@code 15min}). */
  public String format(T value) {
    if (value == null) {
      return noValueWord;
    }
    return value instanceof Duration d ? formatDuration(d) : String.valueOf(value);
  }

  static String formatDuration(Duration d) {
    // Flink writes "15 min"; the reference and asMap() write what a user types: "15min".
    return TimeUtils.formatWithHighestUnit(d).replace(" ", "");
  }

  @Override
  public String toString() {
    return key();
  }
}
