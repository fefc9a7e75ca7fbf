package com.dcmms.telemetry.job.rules;

/** Why an input record was rejected; the code travels in the dead letter and the metrics. */
public enum RejectReason {
  EMPTY_RECORD,
  RECORD_TOO_LARGE,
  INVALID_UTF8,
  INVALID_JSON,
  NOT_AN_OBJECT,
  MISSING_FIELD,
  WRONG_TYPE,
  INVALID_FIELD,
  NON_FINITE_VALUE,
  INVALID_TIMESTAMP,
  TIMESTAMP_TOO_OLD,
  TIMESTAMP_IN_FUTURE
}
