package dev.mailwarden.auth.dmarc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.auth.dmarc.internal.ReportArchive;
import dev.mailwarden.auth.dmarc.internal.ReportXml;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Renders, names, compresses and safely parses DMARC aggregate reports, and summarises received
 * ones (what {@code mailwarden dmarc report --input DIR} prints).
 *
 * <p>Parsing is for untrusted input: DTDs, external entities and XInclude are refused, the XML is
 * read in one streaming pass with elements nested at most {@link ReportXml#DEFAULT_MAX_DEPTH} deep,
 * a zip may list at most {@link ReportArchive#MAX_ZIP_ENTRIES} entries and only its {@code .xml}
 * entry is inflated, and a report (plain XML, gzip or zip) may not decompress to more than {@link
 * #DEFAULT_MAX_BYTES} (or the limit given). Malformed input is a value ({@link ParsedReport}),
 * never an exception.
 */
public final class AggregateReports {

  /**
   * The XML namespace of the RFC 9990 form (as in its Appendix B sample and the DMARCbis
   * aggregate-reporting drafts). The element order of the RFC 9990 form follows that sample; the
   * RFC's XML schema itself was not available to validate against.
   */
  public static final String RFC9990_NAMESPACE = "urn:ietf:params:xml:ns:dmarc-2.0";

  /** Largest decompressed report accepted by default: 16 MiB. */
  public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

  /** The two XML forms. */
  public enum Format {
    /** RFC 7489 Appendix C: no namespace, {@code pct}. */
    RFC7489,
    /**
     * RFC 9990: {@link #RFC9990_NAMESPACE}, {@code np}, {@code testing}, {@code discovery_method},
     * {@code envelope_from}, {@code generator}, the disposition {@code pass}; no {@code pct}, no
     * SPF {@code scope}. When parsing, the disposition {@code pass} reads as {@link Policy#NONE}.
     */
    RFC9990
  }

  /**
   * The outcome of parsing one report: the report, or the problem.
   *
   * @param report the report when it parsed
   * @param problem why it did not; empty when it did
   */
  public record ParsedReport(Optional<AggregateReport> report, String problem) {
    public ParsedReport {
      requireNonNull(report, "report");
      requireNonNull(problem, "problem");
    }

    public boolean isValid() {
      return report.isPresent();
    }

    static ParsedReport bad(String problem) {
      return new ParsedReport(Optional.empty(), problem);
    }
  }

  private AggregateReports() {}

  /**
   * The report as XML in the given form; RFC 9990's {@code discovery_method} is {@code treewalk}.
   */
  public static String toXml(AggregateReport report, Format format) {
    return toXml(report, format, OrganizationalDomains.treeWalk());
  }

  /** The report as XML, naming how organisational domains were found (RFC 9990 form only). */
  public static String toXml(
      AggregateReport report, Format format, OrganizationalDomains discovery) {
    requireNonNull(report, "report");
    requireNonNull(format, "format");
    return ReportXml.write(
        report,
        format == Format.RFC9990 ? RFC9990_NAMESPACE : null,
        discovery.isTreeWalk() ? "treewalk" : "psl");
  }

  /** The report as gzip-compressed XML, ready to attach or upload. */
  public static byte[] gzip(AggregateReport report, Format format) {
    byte[] xml = toXml(report, format).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(xml.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(xml);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen with an in-memory stream
    }
    return out.toByteArray();
  }

  /**
   * The file name of RFC 7489 §7.2.1.1 for the gzip form: {@code
   * receiver!policy-domain!begin!end.xml.gz} (timestamps in seconds since the epoch).
   */
  public static String fileName(String receiverDomain, AggregateReport report) {
    requireNonNull(receiverDomain, "receiverDomain");
    return safeName(receiverDomain)
        + "!"
        + safeName(report.policy().domain())
        + "!"
        + report.metadata().begin().getEpochSecond()
        + "!"
        + report.metadata().end().getEpochSecond()
        + ".xml.gz";
  }

  private static String safeName(String domain) {
    return domain.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
  }

  /** Parses a report (plain XML, gzip or zip) with the default size limit. */
  public static ParsedReport parse(byte[] data) {
    return parse(data, DEFAULT_MAX_BYTES);
  }

  /** Parses a report (plain XML, gzip or zip) that may decompress to at most {@code maxBytes}. */
  public static ParsedReport parse(byte[] data, long maxBytes) {
    return parse(data, maxBytes, DEFAULT_MAX_DEPTH);
  }

  /**
   * Elements nested deeper than this make a report unreadable by default (real ones nest 5 deep).
   */
  public static final int DEFAULT_MAX_DEPTH = ReportXml.DEFAULT_MAX_DEPTH;

  /**
   * Parses a report that may decompress to at most {@code maxBytes} and nest elements at most
   * {@code maxDepth} deep; over either cap the result is invalid with a problem naming it.
   */
  public static ParsedReport parse(byte[] data, long maxBytes, int maxDepth) {
    requireNonNull(data, "data");
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    if (maxDepth < 8) {
      throw new IllegalArgumentException("maxDepth must be at least 8: " + maxDepth);
    }
    byte[] xml;
    try {
      xml = decompress(data, maxBytes);
    } catch (IOException e) {
      return ParsedReport.bad(
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
    try {
      return new ParsedReport(Optional.of(ReportXml.read(xml, maxDepth)), "");
    } catch (ReportXml.BadReport e) {
      return ParsedReport.bad(e.getMessage());
    }
  }

  /** Reads and parses one report file; unreadable files give an invalid result too. */
  public static ParsedReport parse(Path file) {
    return parse(file, DEFAULT_MAX_BYTES);
  }

  /** Reads and parses one report file with a size limit. */
  public static ParsedReport parse(Path file, long maxBytes) {
    requireNonNull(file, "file");
    try {
      if (Files.size(file) > maxBytes) {
        return ParsedReport.bad("file larger than " + maxBytes + " bytes");
      }
      return parse(Files.readAllBytes(file), maxBytes);
    } catch (IOException e) {
      return ParsedReport.bad("cannot read " + file.getFileName() + ": " + e.getMessage());
    }
  }

  private static byte[] decompress(byte[] data, long maxBytes) throws IOException {
    return ReportArchive.xml(data, maxBytes);
  }

  /** Summarises reports per source IP. */
  public static ReportSummary summarize(Collection<AggregateReport> reports) {
    return ReportSummary.of(reports, List.of());
  }

  /**
   * Parses every regular file in {@code dir} (not recursive; {@code .xml}, {@code .gz}, {@code
   * .zip} or anything else, detected by content) and summarises them per source IP. Files that do
   * not parse are listed in {@link ReportSummary#problems()}.
   *
   * @throws UncheckedIOException if the directory cannot be listed
   */
  public static ReportSummary summarizeDirectory(Path dir) {
    requireNonNull(dir, "dir");
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    files.sort(null);
    List<AggregateReport> reports = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path f : files) {
      ParsedReport r = parse(f);
      if (r.isValid()) {
        reports.add(r.report().orElseThrow());
      } else {
        problems.add(f.getFileName() + ": " + r.problem());
      }
    }
    return ReportSummary.of(reports, problems);
  }
}
