package io.mainstay.actors.catalog;

import io.mainstay.extension.Extension;
import io.mainstay.extension.ExtensionRoutes;
import io.mainstay.extension.MainService;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The built-in catalog, an extension like any other: named JSON documents, each with the version, epoch
 * and time of its last write, in the store's table {@code catalog/entries}, served at {@code
 * /api/v1/catalog}. A write is acknowledged only once durable and confirmed (the store's group commit);
 * anything the main cannot vouch for is a 503.
 */
public final class CatalogExtension implements Extension {

  public static final String NAME = "catalog";

  /** Catalog names are ASCII, so the store's byte order of keys is also their {@link String} order. */
  public static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");

  public static boolean isValidEntryName(String name) {
    return name != null && ENTRY_NAME.matcher(name).matches();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<MainService<?>> mainService() {
    return Optional.of(new CatalogDocuments());
  }

  @Override
  public Optional<ExtensionRoutes> routes() {
    return Optional.of(new CatalogRoutes());
  }
}
