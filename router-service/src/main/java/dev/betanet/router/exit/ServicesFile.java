package dev.betanet.router.exit;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The .fog services this router hosts as exit: {@code {"<fog name or alias>": {"backend":
 * "http://host:port"}}}. Read once at start; a bad file fails the start with the reason, since an
 * exit without its backends would answer every request with an error.
 */
public final class ServicesFile {

  private ServicesFile() {}

  /** Name → backend base URL. */
  public static Map<String, String> read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  public static Map<String, String> parse(String json) {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("services file is not a JSON object: " + e.getMessage());
    }
    Map<String, String> services = new LinkedHashMap<>();
    for (String name : root.fieldNames()) {
      Object entry = root.getValue(name);
      String backend = entry instanceof JsonObject o ? o.getString("backend") : null;
      if (backend == null) {
        throw new IllegalArgumentException("service " + name + " has no \"backend\" URL");
      }
      URI uri = URI.create(backend);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "service " + name + ": backend must be http://host:port, got " + backend);
      }
      services.put(name, backend);
    }
    return services;
  }
}
