package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lettuce is optional: with it missing from the class path, the in-memory limiter works and asking
 * for Redis fails when the limiter is built, naming the artifact to add.
 */
class WithoutLettuceTest {

  private static URLClassLoader classPathWithoutLettuce() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.contains("lettuce") && !entry.contains("netty") && !entry.contains("reactor")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  private static Object builderWithLimit(ClassLoader loader) throws Exception {
    Class<?> limiter = loader.loadClass("dev.mailwarden.ratelimit.RateLimiter");
    Class<?> limit = loader.loadClass("dev.mailwarden.ratelimit.Limit");
    Object builder = limiter.getMethod("builder").invoke(null);
    Object tenPerMinute = limit.getMethod("parse", String.class).invoke(null, "10/1m");
    builder.getClass().getMethod("limit", limit).invoke(builder, tenPerMinute);
    return builder;
  }

  @Test
  void redisWithoutLettuce_failsAtBuild_namingTheArtifact() throws Exception {
    try (URLClassLoader loader = classPathWithoutLettuce()) {
      assertThatThrownBy(() -> loader.loadClass("io.lettuce.core.RedisClient"))
          .isInstanceOf(ClassNotFoundException.class);
      Object builder = builderWithLimit(loader);
      builder.getClass().getMethod("redis", String.class).invoke(builder, "redis://127.0.0.1:6399");
      Method build = builder.getClass().getMethod("build");
      assertThatThrownBy(() -> build.invoke(builder))
          .isInstanceOf(InvocationTargetException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("io.lettuce:lettuce-core");
    }
  }

  @Test
  void inMemoryWithoutLettuce_works() throws Exception {
    try (URLClassLoader loader = classPathWithoutLettuce()) {
      Object builder = builderWithLimit(loader);
      Object limiter = builder.getClass().getMethod("build").invoke(builder);
      Object decision =
          limiter.getClass().getMethod("tryAcquire", String.class).invoke(limiter, "k");
      assertThat(decision.getClass().getMethod("allowed").invoke(decision)).isEqualTo(true);
    }
  }
}
