package io.cotrain.validator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cotrain.contracts.ContributionKind;
import io.cotrain.contracts.ContributionStatus;
import io.cotrain.validator.gateway.GatewayViews;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.junit.jupiter.api.Test;

/** The OpenAPI document lists a contribution's statuses and a submission's kinds as the protocol's enums have them. */
class ProtocolValuesFilterTest {
    private final ProtocolValuesFilter filter = new ProtocolValuesFilter();

    @Test
    void test_aStatus_takesItsValuesAndMeaningFromContributionStatus() {
        Schema status = filter.filterSchema(marked(GatewayViews.CONTRIBUTION_STATUS));

        assertThat(status.getEnumeration())
                .containsExactly("Pending", "Accepted", "Rejected", "Released", "Unrewarded");
        assertThat(status.getDescription())
                .startsWith("Pending (" + ContributionStatus.PENDING.meaning() + "); Accepted (")
                .contains("Unrewarded (" + ContributionStatus.UNREWARDED.meaning() + ")");
        assertThat(status.getExtensions()).as("the marker is dropped").isNullOrEmpty();
    }

    @Test
    void test_aKind_takesItsValuesFromContributionKindAsTheApiNamesThem() {
        Schema kind = filter.filterSchema(marked(GatewayViews.CONTRIBUTION_KIND));

        assertThat(kind.getEnumeration()).containsExactlyElementsOf(ContributionKind.apiNames());
        assertThat(kind.getDescription())
                .contains("VALIDATION_WORK (validation work)")
                .endsWith("; MODEL_UPDATE when absent");
    }

    @Test
    void test_anUnmarkedSchema_isLeftAsItIs() {
        Schema plain = OASFactory.createSchema().description("the contributor's address");

        assertThat(filter.filterSchema(plain).getDescription()).isEqualTo("the contributor's address");
        assertThat(plain.getEnumeration()).isNull();
    }

    private static Schema marked(String values) {
        return OASFactory.createSchema().addExtension(GatewayViews.VALUES_FROM, values);
    }
}
