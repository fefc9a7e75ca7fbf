package com.dcmms.telemetry.job.questdb;

import io.questdb.client.cutlass.line.LineSenderException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QuestDB refused the sink's credentials (HTTP 401 or 403). Not retried: the credentials cannot
 * change while the job runs. The message names the options to check and never a secret.
 */
public final class QuestDbCredentialsRejected extends IOException {
  private static final long serialVersionUID = 1L;
  private static final Pattern ILP_STATUS = Pattern.compile("\\[http-status=(\\d+)]");

  private QuestDbCredentialsRejected(String message, Throwable cause) {
    super(message, cause);
  }

  /** For an answer of {@code /exec} with this status. */
  static QuestDbCredentialsRejected of(QuestDbSettings settings, int httpStatus) {
    return new QuestDbCredentialsRejected(message(settings, "HTTP " + httpStatus), null);
  }

  /** For an ILP flush the client reports as an authentication error. */
  static QuestDbCredentialsRejected of(QuestDbSettings settings, LineSenderException e) {
    Matcher status = ILP_STATUS.matcher(e.getMessage());
    return new QuestDbCredentialsRejected(
        message(settings, "HTTP " + (status.find() ? status.group(1) : "401/403") + " on ILP"), e);
  }

  static boolean isAuthenticationError(int httpStatus) {
    return httpStatus == 401 || httpStatus == 403;
  }

  /** The client's wording for 401 and 403 answers to an ILP flush. */
  static boolean isAuthenticationError(LineSenderException e) {
    return e.getMessage() != null && e.getMessage().contains("authentication error");
  }

  private static String message(QuestDbSettings settings, String status) {
    String at = "QuestDB at " + settings.address();
    if (settings.hasToken()) {
      return at
          + " refused the bearer token ("
          + status
          + "): check questdb.token; open-source "
          + "QuestDB checks no tokens (QuestDB Enterprise does), it takes questdb.username and "
          + "questdb.password";
    }
    if (settings.hasBasicAuth()) {
      return at
          + " refused the credentials of user '"
          + settings.username()
          + "' ("
          + status
          + "): check questdb.username and questdb.password";
    }
    return at
        + " asks for credentials ("
        + status
        + "): set questdb.username and "
        + "questdb.password (or questdb.token for QuestDB Enterprise)";
  }
}
