package io.cotrain.validator.api;

import static io.cotrain.validator.gateway.GatewayViews.CONTRIBUTION_KIND;
import static io.cotrain.validator.gateway.GatewayViews.CONTRIBUTION_STATUS;
import static io.cotrain.validator.gateway.GatewayViews.VALUES_FROM;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.validator.gateway.GatewayViews;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Fills in, when the OpenAPI document is built, the values and meaning of each string marked with
 * {@link GatewayViews#VALUES_FROM}, from the protocol's enums: a contribution's status
 * from {@link ContributionStatus} with what each means, a submission's kind from {@link ContributionKind}. The
 * document then lists exactly what the code accepts and shows.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProtocolValuesFilter implements OASFilter {
    @Override
    public Schema filterSchema(Schema schema) {
        Map<String, Object> extensions = schema.getExtensions();
        if (extensions == null || !extensions.containsKey(VALUES_FROM)) return schema;
        String from = String.valueOf(extensions.get(VALUES_FROM));
        schema.removeExtension(VALUES_FROM);
        return switch (from) {
            case CONTRIBUTION_STATUS ->
                schema.enumeration(values(statuses().stream()
                                .map(ContributionStatus::title)
                                .toList()))
                        .description(statusMeaning());
            case CONTRIBUTION_KIND ->
                schema.enumeration(values(ContributionKind.apiNames())).description(kindMeaning());
            default -> throw new IllegalStateException("no values known for " + VALUES_FROM + " " + from);
        };
    }

    /** @return the statuses a contribution shows: pending until its round is finalized, then settled */
    static List<ContributionStatus> statuses() {
        return Arrays.stream(ContributionStatus.values())
                .filter(status -> status != ContributionStatus.NONE)
                .toList();
    }

    /** @return each status a contribution shows, with what it means for its stake and reward */
    static String statusMeaning() {
        return statuses().stream()
                .map(status -> status.title() + " (" + status.meaning() + ")")
                .collect(Collectors.joining("; "));
    }

    /** @return what a submission's kind says, and the kind of a submission that names none */
    static String kindMeaning() {
        return "what the contribution delivers: "
                + Arrays.stream(ContributionKind.values())
                        .map(kind -> kind.apiName() + " (" + kind.label() + ")")
                        .collect(Collectors.joining(", "))
                + "; " + ContributionKind.MODEL_UPDATE.apiName() + " when absent";
    }

    private static List<Object> values(List<String> names) {
        return List.copyOf(names);
    }
}
