package com.dcmms.telemetry.tools.monitor;

import com.dcmms.telemetry.tools.cli.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Small GET client for the monitor; a non-200 answer is an error naming the URL. */
public final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** A base URL without its trailing slash, so that paths can be appended. */
  static String base(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public String text(String url) throws IOException, InterruptedException {
    HttpResponse<String> r;
    try {
      r =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new IOException("GET " + url + ": " + Cli.connectFailure(e));
    } catch (IOException e) {
      throw new IOException("GET " + url, e);
    }
    if (r.statusCode() != 200) {
      throw new IOException("GET " + url + " answered HTTP " + r.statusCode());
    }
    return r.body();
  }

  public JsonNode json(String url) throws IOException, InterruptedException {
    return JSON.readTree(text(url));
  }
}
