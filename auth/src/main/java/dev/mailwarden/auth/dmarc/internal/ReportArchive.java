package dev.mailwarden.auth.dmarc.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * The report XML inside a received attachment: plain XML, gzip or zip. Only the report is ever
 * inflated: a zip is read through its central directory (the JDK reads one in memory only while
 * inflating every entry it passes), so entries that are not {@code .xml} are skipped without
 * inflating a byte; a gzip member whose stored name is not {@code .xml} is refused the same way.
 * Every inflation is capped.
 */
public final class ReportArchive {
  /** Most entries a zip may list; a report archive holds one. */
  public static final int MAX_ZIP_ENTRIES = 64;

  private ReportArchive() {}

  /** The XML bytes, decompressed to at most {@code maxBytes}; an IOException says why not. */
  public static byte[] xml(byte[] data, long maxBytes) throws IOException {
    if (data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
      String name = gzipName(data);
      if (name != null && !isReportName(name)) {
        throw new IOException(
            "gzip member '" + printable(name) + "' is not a report (.xml); not inflated");
      }
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
        return readCapped(in, maxBytes);
      } catch (ZipException | java.io.EOFException e) {
        throw new IOException("bad gzip data: " + e.getMessage());
      }
    }
    if (data.length >= 4 && data[0] == 'P' && data[1] == 'K' && data[2] == 3 && data[3] == 4) {
      return zipReport(data, maxBytes);
    }
    if (data.length > maxBytes) {
      throw new IOException("report larger than " + maxBytes + " bytes");
    }
    return data;
  }

  static boolean isReportName(String name) {
    return name.toLowerCase(Locale.ROOT).endsWith(".xml");
  }

  /** The FNAME of a gzip header (RFC 1952 section 2.3.1), or null when there is none. */
  private static String gzipName(byte[] d) {
    if (d.length < 10 || (d[3] & 0x08) == 0) {
      return null;
    }
    int i = 10;
    if ((d[3] & 0x04) != 0) { // FEXTRA
      if (d.length < 12) {
        return null;
      }
      i += 2 + ((d[10] & 0xff) | (d[11] & 0xff) << 8);
    }
    int start = i;
    while (i < d.length && i - start < 1024 && d[i] != 0) {
      i++;
    }
    return i < d.length && d[i] == 0
        ? new String(d, start, i - start, StandardCharsets.ISO_8859_1)
        : null;
  }

  private static byte[] zipReport(byte[] d, long maxBytes) throws IOException {
    int eocd = -1;
    for (int i = d.length - 22; i >= 0 && i >= d.length - 22 - 65535; i--) {
      if (u32(d, i) == 0x06054b50L) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw new IOException("bad zip data: no end of central directory");
    }
    int entries = u16(d, eocd + 10);
    long cdOffset = u32(d, eocd + 16);
    if (entries == 0xffff || cdOffset == 0xffffffffL) {
      throw new IOException("zip64 archives are not supported");
    }
    if (entries > MAX_ZIP_ENTRIES) {
      throw new IOException(
          "zip archive lists " + entries + " entries, more than the cap of " + MAX_ZIP_ENTRIES);
    }
    int p = (int) Math.min(cdOffset, Integer.MAX_VALUE);
    for (int n = 0; n < entries; n++) {
      if (p + 46 > d.length || u32(d, p) != 0x02014b50L) {
        throw new IOException("bad zip data: broken central directory");
      }
      int method = u16(d, p + 10);
      long compressed = u32(d, p + 20);
      long size = u32(d, p + 24);
      int nameLen = u16(d, p + 28);
      int extraLen = u16(d, p + 30);
      int commentLen = u16(d, p + 32);
      long local = u32(d, p + 42);
      if (p + 46 + nameLen > d.length) {
        throw new IOException("bad zip data: broken central directory");
      }
      String name = new String(d, p + 46, nameLen, StandardCharsets.UTF_8);
      p += 46 + nameLen + extraLen + commentLen;
      if (name.endsWith("/") || !isReportName(name)) {
        continue; // not a report: skipped by its directory entry, never inflated
      }
      if (size > maxBytes) {
        throw new IOException(
            "zip entry " + printable(name) + " declares " + size + " bytes, more than " + maxBytes);
      }
      return entry(d, name, method, compressed, local, maxBytes);
    }
    throw new IOException("zip archive holds no .xml file");
  }

  private static byte[] entry(
      byte[] d, String name, int method, long compressed, long local, long maxBytes)
      throws IOException {
    if (local + 30 > d.length || u32(d, (int) local) != 0x04034b50L) {
      throw new IOException("bad zip data: no local header for " + printable(name));
    }
    int l = (int) local;
    long start = local + 30 + u16(d, l + 26) + u16(d, l + 28);
    if (start + compressed > d.length) {
      throw new IOException("bad zip data: " + printable(name) + " runs past the archive");
    }
    InputStream raw = new ByteArrayInputStream(d, (int) start, (int) compressed);
    if (method == 0) {
      return readCapped(raw, maxBytes);
    }
    if (method != 8) {
      throw new IOException("zip entry " + printable(name) + " uses compression method " + method);
    }
    Inflater inflater = new Inflater(true);
    try (InputStream in = new InflaterInputStream(raw, inflater)) {
      return readCapped(in, maxBytes);
    } catch (ZipException | java.io.EOFException e) {
      throw new IOException("bad zip data: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  static byte[] readCapped(InputStream in, long maxBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      total += n;
      if (total > maxBytes) {
        throw new IOException("report decompresses to more than " + maxBytes + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static int u16(byte[] d, int i) {
    return (d[i] & 0xff) | (d[i + 1] & 0xff) << 8;
  }

  private static long u32(byte[] d, int i) {
    return u16(d, i) | (long) u16(d, i + 2) << 16;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 60; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
