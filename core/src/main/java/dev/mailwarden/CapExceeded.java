package dev.mailwarden;

import static java.util.Objects.requireNonNull;

/**
 * Hostile input reached one of the caps that bound a checker's work or memory (a header longer than
 * the header cap, too many DNS lookups, too many signatures, ...). The checker reports it through
 * {@link CheckContext#report} and still returns its permerror/neutral/temperror result with a
 * reason naming the cap; listeners count it (metrics tag it by {@code cap}).
 *
 * @param cap a short, fixed name of the cap, e.g. {@code dkim.signatures} — a constant of the
 *     checker, never text from the input (it becomes a metrics tag)
 * @param detail one human sentence: what went over and the cap's value
 */
public record CapExceeded(String cap, String detail) implements CheckEvent {

  public CapExceeded {
    requireNonNull(cap, "cap");
    requireNonNull(detail, "detail");
    if (cap.isBlank()) {
      throw new IllegalArgumentException("cap name must not be blank");
    }
  }

  @Override
  public String description() {
    return "input cap " + cap + " exceeded: " + detail;
  }
}
