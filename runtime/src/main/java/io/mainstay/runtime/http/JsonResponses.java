package io.mainstay.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Every answer of the web port is JSON, errors included, so a client parses one format. Bodies are
 * records, written by Jackson in the order of their components; an empty {@code Optional} is written as
 * {@code null} unless the record marks it {@code NON_ABSENT} (then the field is left out).
 */
final class JsonResponses {

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(new Jdk8Module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** Every error: {@code {"error": "..."}}. */
  record ErrorBody(String error) {}

  /** 503 naming where the main is ({@code null} when unknown), so a client (or nginx) can go there instead. */
  record NotMainBody(String error, String main) {}

  private JsonResponses() {}

  static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpResponse error(StatusCode status, String message) {
    return json(status, new ErrorBody(message));
  }

  static HttpResponse notMain(String reason, Optional<String> mainUrl) {
    return json(StatusCodes.SERVICE_UNAVAILABLE, new NotMainBody(reason, mainUrl.orElse(null)));
  }
}
