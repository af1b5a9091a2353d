package io.mainstay.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** Every answer of the web port is JSON, errors included, so a client parses one format. */
final class JsonResponses {

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .registerModule(new Jdk8Module())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

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
    ObjectNode body = MAPPER.createObjectNode();
    body.put("error", message);
    return json(status, body);
  }

  /** 503 naming where the main is, so a client (or nginx) can go there instead. */
  static HttpResponse notMain(String reason, String mainUrl) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("error", reason);
    body.put("main", mainUrl);
    return json(StatusCodes.SERVICE_UNAVAILABLE, body);
  }
}
