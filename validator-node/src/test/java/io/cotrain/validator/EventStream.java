package io.cotrain.validator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A client of the gateway's server-sent events, as a browser's EventSource reads them: the events so far. */
final class EventStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event: its name and its JSON data. */
    record Event(String name, JsonNode data) {}

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final int status;

    EventStream(String url) throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        status = response.statusCode();
        reader = Thread.ofVirtual().start(() -> read(response.body()));
    }

    /** @return the response's status */
    int status() {
        return status;
    }

    /** @return the events read so far, in order */
    List<Event> events() {
        return List.copyOf(events);
    }

    private void read(Stream<String> lines) {
        String[] name = {"message"};
        StringBuilder data = new StringBuilder();
        try (lines) {
            lines.forEach(line -> {
                if (line.startsWith("event:")) {
                    name[0] = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()).strip());
                } else if (line.isEmpty() && !data.isEmpty()) {
                    events.add(new Event(name[0], parse(data.toString())));
                    name[0] = "message";
                    data.setLength(0);
                }
            });
        } catch (UncheckedIOException closed) {
            // the stream ended: the events read so far stay
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
        reader.interrupt();
    }
}
