package dev.mailwarden.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The module descriptor a mailwarden module ships ({@code module-info.class} in its build output),
 * read as a file so the check does not depend on how the tests run (module path or class path), and
 * the rules every library module keeps: the packages it exports to everyone are exactly its API
 * packages (those without an {@code internal} segment), an {@code internal} package is exported
 * only to named mailwarden modules, nothing is opened.
 */
public final class ModuleEncapsulation {
  private ModuleEncapsulation() {}

  /** The descriptor of the module that {@code anyClass} was compiled into. */
  public static ModuleDescriptor descriptorOf(Class<?> anyClass) {
    Path location;
    try {
      location = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Set<ModuleReference> found = ModuleFinder.of(location).findAll();
    assertThat(found).as("modules at %s", location).hasSize(1);
    ModuleDescriptor descriptor = found.iterator().next().descriptor();
    assertThat(descriptor.isAutomatic())
        .as("%s has a module-info.class (not an automatic module)", location)
        .isFalse();
    return descriptor;
  }

  /** The packages exported to every module. */
  public static Set<String> unqualifiedExports(ModuleDescriptor descriptor) {
    return descriptor.exports().stream()
        .filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The packages exported to named modules only, with their targets. */
  public static Map<String, Set<String>> qualifiedExports(ModuleDescriptor descriptor) {
    Map<String, Set<String>> out = new TreeMap<>();
    descriptor.exports().stream()
        .filter(ModuleDescriptor.Exports::isQualified)
        .forEach(e -> out.put(e.source(), new TreeSet<>(e.targets())));
    return out;
  }

  /**
   * Asserts the rules: every package without an {@code internal} segment is exported to everyone
   * and every package with one is not; a qualified export names mailwarden modules only; no package
   * is opened and the module is not open.
   */
  public static void assertOnlyApiExported(ModuleDescriptor descriptor) {
    Set<String> api = new TreeSet<>();
    for (String p : descriptor.packages()) {
      if (!isInternal(p)) {
        api.add(p);
      }
    }
    assertThat(unqualifiedExports(descriptor))
        .as("packages %s exports to everyone", descriptor.name())
        .isEqualTo(api);
    qualifiedExports(descriptor)
        .forEach(
            (pkg, targets) -> {
              assertThat(isInternal(pkg))
                  .as("%s is exported to some modules only: it must be an internal package", pkg)
                  .isTrue();
              assertThat(targets)
                  .as("modules %s of %s may read", pkg, descriptor.name())
                  .allMatch(t -> t.startsWith("dev.mailwarden."));
            });
    assertThat(descriptor.isOpen()).as("%s is an open module", descriptor.name()).isFalse();
    assertThat(descriptor.opens()).as("packages %s opens", descriptor.name()).isEmpty();
  }

  /** The modifiers of the module's {@code requires} of {@code module} (absent: not required). */
  public static Set<ModuleDescriptor.Requires.Modifier> requiresModifiers(
      ModuleDescriptor descriptor, String module) {
    return descriptor.requires().stream()
        .filter(r -> r.name().equals(module))
        .findFirst()
        .map(ModuleDescriptor.Requires::modifiers)
        .orElseThrow(() -> new AssertionError(descriptor.name() + " does not require " + module));
  }

  private static boolean isInternal(String pkg) {
    return pkg.equals("internal")
        || pkg.endsWith(".internal")
        || pkg.contains(".internal.")
        || pkg.startsWith("internal.");
  }
}
