package io.mainstay.runtime.http;

import io.mainstay.extension.RouteContext;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** The JSON half of what the runtime gives extension routes: the built-in API's mapper and error shape. */
abstract class JsonRouteContext implements RouteContext {

  @Override
  public HttpResponse json(StatusCode status, Object body) {
    return JsonResponses.json(status, body);
  }

  @Override
  public HttpResponse error(StatusCode status, String message) {
    return JsonResponses.error(status, message);
  }
}
