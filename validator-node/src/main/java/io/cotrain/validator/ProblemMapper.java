package io.cotrain.validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * Turns every error of the REST API into an RFC 7807 {@code application/problem+json} answer: the node's own
 * {@link ProblemException}s with their detail, JAX-RS errors (unknown path, wrong method, unreadable input) with
 * their status, anything else as a 500 whose detail gives nothing internal away (the cause goes to the log).
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Context
    UriInfo uri;

    /**
     * @param problem a problem raised outside the usual mapping (security, filters)
     * @param uri the request
     * @return its problem+json answer with its headers
     */
    public static Response answer(ProblemException problem, UriInfo uri) {
        Response.ResponseBuilder response = Response.fromResponse(response(
                problem(problem, uri == null ? null : "/" + uri.getPath().replaceFirst("^/+", ""))));
        problem.headers().forEach(response::header);
        return response.build();
    }

    @Override
    public Response toResponse(Throwable error) {
        Problem problem =
                problem(error, uri == null ? null : "/" + uri.getPath().replaceFirst("^/+", ""));
        if (problem.status() >= 500 && !(error instanceof ProblemException)) {
            LOG.errorf(error, "request %s failed", problem.instance());
        }
        Response.ResponseBuilder response = Response.fromResponse(response(problem));
        if (error instanceof ProblemException p) p.headers().forEach(response::header);
        return response.build();
    }

    /**
     * @param error what went wrong
     * @param instance the request path, if known
     * @return the problem to answer with
     */
    static Problem problem(Throwable error, String instance) {
        if (error instanceof ProblemException p) {
            return of(p.status(), p.getMessage(), instance);
        }
        if (error instanceof WebApplicationException w && w.getResponse() != null) {
            int status = w.getResponse().getStatus();
            String detail = status == 404
                    ? "no such resource"
                    : status == 405 ? "method not allowed on this resource" : reason(status);
            return of(status, detail, instance);
        }
        return of(500, "the node failed to answer this request; see its log", instance);
    }

    static Problem of(int status, String detail, String instance) {
        return new Problem("about:blank", reason(status), status, detail, instance);
    }

    static Response response(Problem problem) {
        try {
            return Response.status(problem.status())
                    .type(Problem.MEDIA_TYPE)
                    .entity(JSON.writeValueAsString(problem))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a problem", e);
        }
    }

    private static String reason(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "HTTP " + status : known.getReasonPhrase();
    }
}
