package dev.vlm2vec.processing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * The marker segments of a JPEG file up to its first scan, and what the decoding rules need
 * from them: the component count of the frame and the Adobe (APP14) colour transform.
 *
 * @param components colour components of the frame (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK); 0 if no frame header was found
 * @param adobeTransform the APP14 transform flag (0 CMYK/RGB, 1 YCbCr, 2 YCCK); -1 without an Adobe segment
 * @param scanStart where the first start-of-scan marker is (the image data follows it); -1 if none was reached
 */
@NullMarked
record JpegHeader(List<Segment> segments, int components, int adobeTransform, int scanStart) {

    /** One marker segment: its marker byte and where its payload (after the length) starts and ends. */
    record Segment(int marker, int start, int end) {}

    static JpegHeader read(byte[] file) {
        List<Segment> segments = new ArrayList<>();
        int components = 0, adobeTransform = -1, scanStart = -1;
        int at = ImageFormat.of(file) == ImageFormat.JPEG ? 2 : file.length;
        while (at + 4 <= file.length && (file[at] & 0xff) == 0xFF) {
            int marker = file[at + 1] & 0xff;
            int length = ((file[at + 2] & 0xff) << 8) | (file[at + 3] & 0xff);
            if (marker == 0xDA) {
                scanStart = at;  // no more metadata
                break;
            }
            if (length < 2 || at + 2 + length > file.length) {
                break;  // a damaged segment
            }
            Segment segment = new Segment(marker, at + 4, at + 2 + length);
            segments.add(segment);
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame && length >= 8) {
                components = file[at + 9] & 0xff;
            } else if (marker == 0xEE && length >= 14 && startsWith(file, segment, "Adobe")) {
                adobeTransform = file[at + 15] & 0xff;
            }
            at += 2 + length;
        }
        return new JpegHeader(List.copyOf(segments), components, adobeTransform, scanStart);
    }

    /**
     * The start-of-scan markers in the file from the first one on, counting no further than
     * {@code limit + 1}. Each scan of a progressive JPEG is a pass over the whole image, so a
     * small crafted file of thousands of scans takes minutes to decode; counting them is one pass
     * over the bytes.
     */
    int scanCount(byte[] file, int limit) {
        int scans = 0, at = scanStart;
        while (at >= 0 && at + 4 <= file.length && scans <= limit) {
            int marker = file[at + 1] & 0xff;
            if (marker == 0xD9) {
                break;  // end of image
            }
            if (marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 || marker == 0xFF) {
                at += marker == 0xFF ? 1 : 2;  // markers without a length, and fill bytes
            } else {
                at += 2 + (((file[at + 2] & 0xff) << 8) | (file[at + 3] & 0xff));
            }
            if (marker == 0xDA) {
                scans++;
                // The entropy-coded data runs to the next marker: 0xFF not followed by a stuffed
                // 0x00 or a restart marker.
                while (at + 1 < file.length && !((file[at] & 0xff) == 0xFF && file[at + 1] != 0
                        && ((file[at + 1] & 0xff) < 0xD0 || (file[at + 1] & 0xff) > 0xD7))) {
                    at++;
                }
            }
            while (at < file.length && (file[at] & 0xff) != 0xFF) {
                at++;  // a damaged length: resynchronise on the next marker, as libjpeg does
            }
        }
        return scans;
    }

    static boolean startsWith(byte[] file, Segment segment, String signature) {
        return segment.end() - segment.start() >= signature.length()
                && new String(file, segment.start(), signature.length(), StandardCharsets.US_ASCII).equals(signature);
    }
}
