package dev.vlm2vec.processing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.jspecify.annotations.NullMarked;

/**
 * Fetches images named by {@code http(s)://} URLs, for a server that opts in (vLLM's clients send
 * {@code image_url} parts with such URLs). Everything else in vlm2vec refuses these URLs: a
 * server that fetches what its clients name can be made to reach the hosts on its own network
 * (server-side request forgery), so turn this on only for trusted clients or behind an egress
 * proxy. Bounded: one timeout for connecting and for the whole response, a byte cap checked
 * against Content-Length and while reading, redirects not followed (their target would not be
 * checked), and the pixel cap of {@link ImageOptions} as for any image.
 */
@NullMarked
public final class ImageFetcher {

    private final Duration timeout;
    private final long maxBytes;
    private final HttpClient client;

    public ImageFetcher(Duration timeout, long maxBytes) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the image URL timeout must be positive, not " + timeout);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the image URL byte cap must be >= 1, not " + maxBytes);
        }
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Duration timeout() {
        return timeout;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Downloads and decodes the image at {@code url}.
     *
     * @param where what the message names, e.g. {@code input[0].image}
     * @throws ImageLoader.ImageTooLargeException over the byte cap or the pixel cap
     * @throws ImageLoader.ImageDecodingException for a URL that does not give an image in time
     */
    public RgbImage fetch(String url, String where, ImageOptions options) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ImageLoader.ImageDecodingException(where + " is not a valid URL (" + e.getMessage() + ")", e);
        }
        String scheme = String.valueOf(uri.getScheme());
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ImageLoader.ImageDecodingException(where + " is not an http(s) URL with a host: " + url, null);
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ImageLoader.ImageDecodingException(where + ": " + url + " did not answer within " + timeout, e);
        } catch (IOException e) {
            throw new ImageLoader.ImageDecodingException(where + ": cannot fetch " + url + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageLoader.ImageDecodingException(where + ": interrupted while fetching " + url, e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new ImageLoader.ImageDecodingException(where + ": " + url + " answered HTTP " + response.statusCode()
                        + (response.statusCode() / 100 == 3 ? " (a redirect; redirects are not followed)" : ""), null);
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                throw tooLarge(where, url, declared + " bytes");
            }
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(where, url, "more than " + maxBytes + " bytes");
            }
            return ImageLoader.decode(bytes, where + " (" + url + ")", options);
        } catch (IOException e) {
            throw new ImageLoader.ImageDecodingException(where + ": reading " + url + " failed (" + e + ")", e);
        }
    }

    private ImageLoader.ImageTooLargeException tooLarge(String where, String url, String size) {
        return new ImageLoader.ImageTooLargeException(where + ": " + url + " is " + size + ", more than the cap of "
                + maxBytes + " bytes for an image URL", null);
    }
}
