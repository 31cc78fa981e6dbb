package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import java.util.function.ToIntBiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Memory that checks share across evaluations, under the byte budget of their {@link
 * MailwardenRuntime} (parsed SPF records, DKIM keys, ...). Reached through {@link
 * CheckContext#cache()}. Entries are derived from what they are keyed by (e.g. a parsed record
 * keyed by the record's text), so they never go stale; the least valuable are evicted when the
 * budget is spent.
 */
public interface SharedCache {

  /**
   * The value for {@code key} in {@code slot}, computed by {@code compute} (on the calling thread)
   * when absent. A null from {@code compute} is returned and not stored.
   */
  <K, V> @Nullable V get(
      Slot<K, V> slot, K key, Function<? super K, ? extends @Nullable V> compute);

  /** Bytes held now (the sum of the entries' weights). */
  long weightedBytes();

  /**
   * A kind of entry: its name, for reports, and how many bytes an entry takes. Make one per kind,
   * as a constant; keys of different slots never collide.
   *
   * @param <K> the key type; must implement {@code equals} and {@code hashCode}
   * @param <V> the value type
   */
  final class Slot<K, V> {
    private final String name;
    private final ToIntBiFunction<? super K, ? super V> weigher;

    private Slot(String name, ToIntBiFunction<? super K, ? super V> weigher) {
      this.name = requireNonNull(name, "name");
      this.weigher = requireNonNull(weigher, "weigher");
    }

    /**
     * A slot whose entries weigh {@code weigher(key, value)} bytes (an estimate of what the key and
     * value retain; the cache adds its own per-entry overhead).
     */
    public static <K, V> Slot<K, V> of(String name, ToIntBiFunction<? super K, ? super V> weigher) {
      return new Slot<>(name, weigher);
    }

    public String name() {
      return name;
    }

    /** The weight of one entry in bytes, at least 1. */
    public int weigh(K key, V value) {
      return Math.max(1, weigher.applyAsInt(key, value));
    }

    @Override
    public String toString() {
      return "Slot[" + name + "]";
    }
  }
}
