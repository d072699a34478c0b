package io.cotrain.validator.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.cotrain.validator.ProblemException;
import io.cotrain.validator.ProblemMapper;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Request bodies that do not bind to their records, as problems: a 400 that names the field and the JSON type it needs
 * (a body that is no JSON object at all is asked for one), rather than Jackson's message about Java types.
 */
public class BodyProblems {
    /** What a body that is no JSON object is told. */
    static final String POST_AN_OBJECT = "post a JSON object (see /q/openapi)";

    private static final int ECHO_LIMIT = 80;

    /**
     * Binds a body refusing fields its record does not have, for bodies where a misspelt optional field would
     * otherwise silently take its default (a model registration's reward weights).
     */
    public static final class Strict implements BiFunction<ObjectMapper, Type, ObjectReader> {
        @Override
        public ObjectReader apply(ObjectMapper mapper, Type type) {
            return mapper.readerFor(mapper.constructType(type)).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        }
    }

    /** @return a 400 problem naming the field the body could not bind and the JSON type it needs */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return ProblemMapper.answer(ProblemException.badRequest(detail(e)), uri);
    }

    /**
     * @param e what Jackson refused
     * @return the field (a JSON path such as {@code rewardWeights[1]}) and what it needs
     */
    static String detail(MismatchedInputException e) {
        String field = field(e.getPath());
        if (field.isEmpty()) return POST_AN_OBJECT;
        if (e instanceof UnrecognizedPropertyException unknown) {
            return field + " is not a field of this body, which has " + names(unknown.getKnownPropertyIds())
                    + " (see /q/openapi)";
        }
        String given = e instanceof InvalidFormatException invalid ? ", got '" + echo(invalid.getValue()) + "'" : "";
        return field + " must be " + jsonType(e.getTargetType()) + given + " (see /q/openapi)";
    }

    private static String field(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference step : path) {
            if (step.getFieldName() != null) {
                if (!field.isEmpty()) field.append('.');
                field.append(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                field.append('[').append(step.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    private static String jsonType(Class<?> type) {
        if (type == null) return "of another JSON type";
        if (type == String.class) return "a string";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) return "a number";
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return "a list";
        return "a JSON object";
    }

    private static String names(Collection<Object> known) {
        return known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String echo(Object value) {
        String text = String.valueOf(value);
        return text.length() > ECHO_LIMIT ? text.substring(0, ECHO_LIMIT) + "..." : text;
    }
}
