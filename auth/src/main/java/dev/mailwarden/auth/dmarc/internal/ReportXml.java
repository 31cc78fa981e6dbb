package dev.mailwarden.auth.dmarc.internal;

import dev.mailwarden.auth.dmarc.AggregateReport;
import dev.mailwarden.auth.dmarc.AggregateReport.DkimAuthResult;
import dev.mailwarden.auth.dmarc.AggregateReport.PolicyPublished;
import dev.mailwarden.auth.dmarc.AggregateReport.Row;
import dev.mailwarden.auth.dmarc.AggregateReport.SpfAuthResult;
import dev.mailwarden.auth.dmarc.Alignment;
import dev.mailwarden.auth.dmarc.Policy;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;

/** Writes and reads the aggregate report XML of RFC 7489 Appendix C and RFC 9990. */
public final class ReportXml {

  private ReportXml() {}

  // ---- writing ----

  /**
   * The report as XML. {@code namespace} null gives the RFC 7489 Appendix C form (no namespace,
   * {@code pct}); otherwise the RFC 9990 form in that namespace ({@code np}, {@code testing},
   * {@code discovery_method}, {@code envelope_from}).
   */
  public static String write(
      AggregateReport report, @Nullable String namespace, String discoveryMethod) {
    boolean bis = namespace != null;
    StringBuilder x = new StringBuilder(512 + report.rows().size() * 512);
    x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.append(bis ? "<feedback xmlns=\"" + escape(namespace) + "\">\n" : "<feedback>\n");
    x.append("  <version>1.0</version>\n");
    AggregateReport.Metadata m = report.metadata();
    x.append("  <report_metadata>\n");
    leaf(x, 4, "org_name", m.orgName());
    leaf(x, 4, "email", m.email());
    leaf(x, 4, "report_id", m.reportId());
    x.append("    <date_range>\n");
    leaf(x, 6, "begin", Long.toString(m.begin().getEpochSecond()));
    leaf(x, 6, "end", Long.toString(m.end().getEpochSecond()));
    x.append("    </date_range>\n");
    for (String e : m.errors()) {
      leaf(x, 4, "error", e);
    }
    if (bis) {
      leaf(x, 4, "generator", "mailwarden");
    }
    x.append("  </report_metadata>\n");
    PolicyPublished p = report.policy();
    x.append("  <policy_published>\n");
    leaf(x, 4, "domain", p.domain());
    if (bis) {
      // element order of the RFC 9990 Appendix B sample
      leaf(x, 4, "p", p.policy().token());
      leaf(x, 4, "sp", (p.subdomainPolicy() != null ? p.subdomainPolicy() : p.policy()).token());
      if (p.nonExistentPolicy() != null) {
        leaf(x, 4, "np", p.nonExistentPolicy().token());
      }
      leaf(x, 4, "adkim", p.dkimAlignment().letter());
      leaf(x, 4, "aspf", p.spfAlignment().letter());
      leaf(x, 4, "fo", p.failureOptions());
      leaf(x, 4, "testing", p.testing() ? "y" : "n");
      leaf(x, 4, "discovery_method", discoveryMethod);
    } else {
      leaf(x, 4, "adkim", p.dkimAlignment().letter());
      leaf(x, 4, "aspf", p.spfAlignment().letter());
      leaf(x, 4, "p", p.policy().token());
      leaf(x, 4, "sp", (p.subdomainPolicy() != null ? p.subdomainPolicy() : p.policy()).token());
      leaf(x, 4, "pct", Integer.toString(p.percent()));
      leaf(x, 4, "fo", p.failureOptions());
    }
    x.append("  </policy_published>\n");
    for (Row r : report.rows()) {
      x.append("  <record>\n    <row>\n");
      leaf(x, 6, "source_ip", r.sourceIp());
      leaf(x, 6, "count", Long.toString(r.count()));
      x.append("      <policy_evaluated>\n");
      // RFC 9990 adds the disposition "pass" for messages that passed DMARC
      boolean passWord = bis && r.dmarcPass() && r.disposition() == Policy.NONE;
      leaf(x, 8, "disposition", passWord ? "pass" : r.disposition().token());
      leaf(x, 8, "dkim", r.dkimAligned() ? "pass" : "fail");
      leaf(x, 8, "spf", r.spfAligned() ? "pass" : "fail");
      for (String o : r.overrides()) {
        x.append("        <reason>\n");
        int space = o.indexOf(' ');
        leaf(x, 10, "type", space < 0 ? o : o.substring(0, space));
        if (space > 0) {
          leaf(x, 10, "comment", o.substring(space + 1));
        }
        x.append("        </reason>\n");
      }
      x.append("      </policy_evaluated>\n    </row>\n    <identifiers>\n");
      if (bis && !r.envelopeFrom().isEmpty()) {
        leaf(x, 6, "envelope_from", r.envelopeFrom());
      }
      leaf(x, 6, "header_from", r.headerFrom());
      x.append("    </identifiers>\n    <auth_results>\n");
      for (DkimAuthResult d : r.dkim()) {
        x.append("      <dkim>\n");
        leaf(x, 8, "domain", d.domain());
        if (bis) {
          leaf(x, 8, "result", d.result());
          leaf(x, 8, "selector", d.selector());
        } else {
          if (!d.selector().isEmpty()) {
            leaf(x, 8, "selector", d.selector());
          }
          leaf(x, 8, "result", d.result());
        }
        x.append("      </dkim>\n");
      }
      List<SpfAuthResult> spf = r.spf();
      if (spf.isEmpty()) {
        // both schemas require one spf element
        spf =
            List.of(
                new SpfAuthResult(
                    r.envelopeFrom().isEmpty() ? r.headerFrom() : r.envelopeFrom(),
                    "mfrom",
                    "none"));
      }
      for (SpfAuthResult s : spf) {
        x.append("      <spf>\n");
        leaf(x, 8, "domain", s.domain());
        if (!bis) {
          leaf(x, 8, "scope", s.scope());
        }
        leaf(x, 8, "result", s.result());
        x.append("      </spf>\n");
      }
      x.append("    </auth_results>\n  </record>\n");
    }
    x.append("</feedback>\n");
    return x.toString();
  }

  private static void leaf(StringBuilder x, int indent, String name, String value) {
    x.append(" ".repeat(indent))
        .append('<')
        .append(name)
        .append('>')
        .append(escape(value))
        .append("</")
        .append(name)
        .append(">\n");
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> {
          // characters XML 1.0 cannot carry are dropped rather than producing a broken document
          boolean legal =
              c == '\t'
                  || c == '\n'
                  || c == '\r'
                  || (c >= 0x20 && c <= 0xd7ff)
                  || (c >= 0xe000 && c <= 0xfffd)
                  || Character.isSurrogate(c);
          if (legal) {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  // ---- reading ----

  /** A report that could not be read. */
  public static final class BadReport extends Exception {
    public BadReport(String message) {
      super(message);
    }
  }

  /** Deepest element nesting read by default; real reports nest five deep. */
  public static final int DEFAULT_MAX_DEPTH = 32;

  /** Longest text of one element kept; real values are domains, addresses and counts. */
  static final int MAX_TEXT = 64 * 1024;

  /** Parses report XML with the default depth cap. */
  public static AggregateReport read(byte[] xml) throws BadReport {
    return read(xml, DEFAULT_MAX_DEPTH);
  }

  /**
   * Parses report XML in one streaming pass (StAX) into a small tree of elements, with no recursion
   * anywhere: nesting deeper than {@code maxDepth} is a {@link BadReport} naming that cap, not a
   * StackOverflowError. DTDs and external entities are refused.
   */
  public static AggregateReport read(byte[] xml, int maxDepth) throws BadReport {
    Element root = tree(xml, maxDepth);
    if (!"feedback".equals(root.name)) {
      throw new BadReport("root element is not <feedback>");
    }
    Element meta = required(root, "report_metadata");
    Element range = required(meta, "date_range");
    List<String> errors = new ArrayList<>();
    for (Element e : children(meta, "error")) {
      errors.add(text(e));
    }
    AggregateReport.Metadata metadata =
        new AggregateReport.Metadata(
            requiredText(meta, "org_name"),
            optionalText(meta, "email"),
            requiredText(meta, "report_id"),
            epoch(requiredText(range, "begin")),
            epoch(requiredText(range, "end")),
            errors);
    Element pp = required(root, "policy_published");
    Policy p = policy(requiredText(pp, "p"), "p");
    String sp = optionalText(pp, "sp");
    String np = optionalText(pp, "np");
    String pct = optionalText(pp, "pct");
    int percent = 100;
    if (!pct.isEmpty()) {
      try {
        percent = Math.max(0, Math.min(100, Integer.parseInt(pct)));
      } catch (NumberFormatException e) {
        throw new BadReport("bad pct: " + shorten(pct));
      }
    }
    PolicyPublished policy =
        new PolicyPublished(
            requiredText(pp, "domain"),
            optionalText(pp, "adkim").equalsIgnoreCase("s") ? Alignment.STRICT : Alignment.RELAXED,
            optionalText(pp, "aspf").equalsIgnoreCase("s") ? Alignment.STRICT : Alignment.RELAXED,
            p,
            sp.isEmpty() ? null : policy(sp, "sp"),
            np.isEmpty() ? null : policy(np, "np"),
            percent,
            optionalText(pp, "testing").equalsIgnoreCase("y"),
            optionalText(pp, "fo").isEmpty() ? "0" : optionalText(pp, "fo"));
    List<Row> rows = new ArrayList<>();
    for (Element rec : children(root, "record")) {
      rows.add(row(rec));
    }
    return new AggregateReport(metadata, policy, rows);
  }

  /** One element as read: local name, own text (capped) and child elements. */
  private static final class Element {
    final String name;
    final StringBuilder text = new StringBuilder();
    final List<Element> kids = new ArrayList<>(4);

    Element(String name) {
      this.name = name;
    }
  }

  private static Element tree(byte[] xml, int maxDepth) throws BadReport {
    XMLInputFactory f =
        XMLInputFactory.newDefaultFactory(); // the JDK's, without a service lookup per report
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    XMLStreamReader r = null;
    try {
      r = f.createXMLStreamReader(new ByteArrayInputStream(xml));
      ArrayDeque<Element> open = new ArrayDeque<>();
      Element root = null;
      while (r.hasNext()) {
        int ev = r.next();
        switch (ev) {
          case XMLStreamConstants.START_ELEMENT -> {
            if (open.size() >= maxDepth) {
              throw new BadReport("elements nested deeper than the depth cap of " + maxDepth);
            }
            Element e = new Element(r.getLocalName());
            if (open.isEmpty()) {
              if (root != null) {
                throw new BadReport("more than one root element");
              }
              root = e;
            } else {
              open.peek().kids.add(e);
            }
            open.push(e);
          }
          case XMLStreamConstants.END_ELEMENT -> open.pop();
          case XMLStreamConstants.CHARACTERS,
              XMLStreamConstants.CDATA,
              XMLStreamConstants.SPACE -> {
            Element e = open.peek();
            if (e != null) {
              int room = MAX_TEXT - e.text.length();
              if (r.getTextLength() > room) {
                throw new BadReport(
                    "text of <" + e.name + "> longer than " + MAX_TEXT + " characters");
              }
              e.text.append(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
            }
          }
          case XMLStreamConstants.DTD ->
              throw new BadReport("a DOCTYPE is not allowed in a report");
          case XMLStreamConstants.ENTITY_REFERENCE ->
              throw new BadReport("entity references are not allowed");
          default -> {
            // comments, processing instructions, the document's start and end
          }
        }
      }
      if (root == null) {
        throw new BadReport("no root element");
      }
      return root;
    } catch (XMLStreamException | RuntimeException e) {
      throw new BadReport("not well-formed XML: " + e.getMessage());
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // nothing held but the in-memory bytes
        }
      }
    }
  }

  private static @Nullable Element child(Element parent, String name) {
    for (Element e : parent.kids) {
      if (name.equals(e.name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Element e : parent.kids) {
      if (name.equals(e.name)) {
        out.add(e);
      }
    }
    return out;
  }

  private static Element required(Element parent, String name) throws BadReport {
    Element e = child(parent, name);
    if (e == null) {
      throw new BadReport("missing <" + name + "> in <" + parent.name + ">");
    }
    return e;
  }

  private static String text(Element e) {
    return e.text.toString().strip();
  }

  private static Row row(Element rec) throws BadReport {
    Element row = required(rec, "row");
    Element pe = required(row, "policy_evaluated");
    long count;
    try {
      count = Long.parseLong(requiredText(row, "count"));
    } catch (NumberFormatException e) {
      throw new BadReport("bad count");
    }
    if (count < 0) {
      throw new BadReport("negative count");
    }
    List<String> overrides = new ArrayList<>();
    for (Element r : children(pe, "reason")) {
      String comment = optionalText(r, "comment");
      overrides.add(optionalText(r, "type") + (comment.isEmpty() ? "" : " " + comment));
    }
    Element ids = required(rec, "identifiers");
    List<DkimAuthResult> dkim = new ArrayList<>();
    List<SpfAuthResult> spf = new ArrayList<>();
    Element auth = child(rec, "auth_results");
    if (auth != null) {
      for (Element d : children(auth, "dkim")) {
        dkim.add(
            new DkimAuthResult(
                optionalText(d, "domain"),
                optionalText(d, "selector"),
                optionalText(d, "result").toLowerCase(Locale.ROOT)));
      }
      for (Element s : children(auth, "spf")) {
        String scope = optionalText(s, "scope");
        spf.add(
            new SpfAuthResult(
                optionalText(s, "domain"),
                scope.isEmpty() ? "mfrom" : scope,
                optionalText(s, "result").toLowerCase(Locale.ROOT)));
      }
    }
    return new Row(
        requiredText(row, "source_ip"),
        count,
        disposition(requiredText(pe, "disposition")),
        optionalText(pe, "dkim").equalsIgnoreCase("pass"),
        optionalText(pe, "spf").equalsIgnoreCase("pass"),
        overrides,
        requiredText(ids, "header_from"),
        optionalText(ids, "envelope_from"),
        dkim,
        spf);
  }

  private static String requiredText(Element parent, String name) throws BadReport {
    String t = text(required(parent, name));
    if (t.isEmpty()) {
      throw new BadReport("empty <" + name + ">");
    }
    return t;
  }

  private static String optionalText(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? "" : text(e);
  }

  private static Instant epoch(String s) throws BadReport {
    try {
      return Instant.ofEpochSecond(Long.parseLong(s));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw new BadReport("bad timestamp: " + shorten(s));
    }
  }

  /** RFC 9990's "pass" means no policy was applied: NONE. */
  private static Policy disposition(String s) throws BadReport {
    return s.equalsIgnoreCase("pass") ? Policy.NONE : policy(s, "disposition");
  }

  private static Policy policy(String s, String what) throws BadReport {
    return Policy.parse(s).orElseThrow(() -> new BadReport("bad " + what + ": " + shorten(s)));
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
