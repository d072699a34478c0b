package io.cotrain.validator;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 7807 problem detail, served as {@code application/problem+json}.
 *
 * @param type a URI naming the problem type ({@code about:blank}: the status says it all)
 * @param title the status's short description
 * @param status the HTTP status
 * @param detail what went wrong with this request
 * @param instance the request path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {
    public static final String MEDIA_TYPE = "application/problem+json";
}
