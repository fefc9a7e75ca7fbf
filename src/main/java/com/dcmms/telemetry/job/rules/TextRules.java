package com.dcmms.telemetry.job.rules;

/**
 * What the contract's text fields may hold. Identifiers and labels become QuestDB symbols and Kafka
 * record keys, so they are short printable text: no control characters (a newline or NUL in a
 * symbol breaks the rows and keys made of it) and no unpaired UTF-16 surrogates (half of an escaped
 * emoji has no UTF-8 form: it could be neither stored nor republished as sent).
 */
final class TextRules {
  /** Longest accepted identifier or label; longer ones are almost always corrupt input. */
  static final int MAX_TEXT_LENGTH = 256;

  private TextRules() {}

  static String required(String field, String value) throws RejectedRecordException {
    if (value == null) {
      throw missing(field);
    }
    if (value.isBlank()) {
      throw new RejectedRecordException(
          RejectReason.MISSING_FIELD, "required field '" + field + "' is empty");
    }
    return label(field, value);
  }

  static String optional(String field, String value, String fallback)
      throws RejectedRecordException {
    return value == null || value.isBlank() ? fallback : label(field, value);
  }

  static RejectedRecordException missing(String field) {
    return new RejectedRecordException(
        RejectReason.MISSING_FIELD, "required field '" + field + "' is missing or null");
  }

  /** An identifier or label: at most {@link #MAX_TEXT_LENGTH} printable characters. */
  static String label(String field, String value) throws RejectedRecordException {
    if (value.length() > MAX_TEXT_LENGTH) {
      throw new RejectedRecordException(
          RejectReason.INVALID_FIELD,
          "field '"
              + field
              + "' is "
              + value.length()
              + " characters long; at most "
              + MAX_TEXT_LENGTH
              + " are accepted");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new RejectedRecordException(
            RejectReason.INVALID_FIELD,
            "field '"
                + field
                + "' contains the control character "
                + codePoint(c)
                + " at position "
                + i
                + "; identifiers and labels must be printable text");
      }
    }
    return storable(field, value);
  }

  /** Text that has a UTF-8 form: every surrogate is half of a pair. */
  static String storable(String field, String value) throws RejectedRecordException {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new RejectedRecordException(
            RejectReason.INVALID_FIELD,
            "field '"
                + abbreviate(field)
                + "' contains an unpaired UTF-16 surrogate "
                + codePoint(c)
                + " at position "
                + i
                + " (a broken \\u escape); it has no UTF-8 form");
      }
    }
    return value;
  }

  static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }

  private static String codePoint(char c) {
    return String.format("U+%04X", (int) c);
  }
}
