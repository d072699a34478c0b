package io.cotrain.validator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cotrain.validator.gateway.LedgerIndex;
import io.cotrain.validator.gateway.LiveStreams;
import io.cotrain.validator.gateway.LiveUpdate;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Live updates as server-sent events: what the gateway's index reads from the chain, as it reads it. */
@Path("/events")
public class EventsResource {
    @Inject
    LiveStreams streams;

    @Inject
    LedgerIndex ledger;

    @Inject
    HttpServerRequest request;

    @Inject
    ObjectMapper json;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(
            summary = "Server-sent events: block (the index read up to a new block; the first event, at once),"
                    + " reorg, contribution, score, round, score-commit and model-commit, each with its block and facts"
                    + " as JSON. A client that falls far behind has its stream ended: reconnect, read the API again."
                    + " 429 past the streams a client may hold")
    public Multi<OutboundSseEvent> events(@Context Sse sse) {
        LiveUpdate now = new LiveUpdate(LiveUpdate.Kind.BLOCK, ledger.lastBlock(), Map.of());
        // by address: a browser's EventSource sends no bearer token
        return streams.open("ip:" + request.remoteAddress().hostAddress(), now)
                .map(update -> sse.newEventBuilder()
                        .name(update.kind().wireName())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(String.class, body(update))
                        .build());
    }

    private String body(LiveUpdate update) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("block", update.block());
        body.putAll(update.facts());
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
