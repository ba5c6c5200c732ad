using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Alerts.Pages;

public class WebhookAuthLineTests : PortalComponentTest
{
    private string Render(WebhookAuth auth) =>
        Render<WebhookAuthLine>(p => p.Add(x => x.Auth, auth)).Find("[data-testid=webhook-auth]").TextContent;

    [Fact]
    public void Names_the_credential_its_type_and_where_it_goes()
    {
        var text = Render(new WebhookAuth(new CredentialChoice(3, "Hyrule", CredentialType.ClientIdAndSecret, DateTime.UtcNow),
            "clientid", CredentialLocation.QueryParam, null, null));

        Assert.Contains("Hyrule", text);
        Assert.Contains("(Client ID and Secret)", text);
        Assert.Contains("query param", text);
        Assert.Contains("clientid", text);
        Assert.DoesNotContain("No Auth", text);
    }

    [Fact]
    public void Says_no_auth_when_none_was_chosen()
    {
        var text = Render(new WebhookAuth(null, null, null, null, null));

        Assert.Equal("No Auth", text.Trim());
    }

    [Fact]
    public void Says_no_auth_and_which_credential_was_deleted_and_when()
    {
        var text = Render(new WebhookAuth(null, null, null, "Hyrule", new DateTime(2026, 11, 23, 22, 5, 0, DateTimeKind.Utc)));

        Assert.StartsWith("No Auth", text.Trim());
        Assert.Contains("The credential “Hyrule” was deleted on Nov 23, 2026, 22:05 UTC", text);
    }

    [Fact]
    public void An_inheriting_alert_names_the_effective_credential_and_the_level_it_comes_from()
    {
        var partner = Guid.NewGuid();
        var text = Render(new WebhookAuth(new CredentialChoice(4, "Acme key", CredentialType.BearerToken, DateTime.UtcNow),
            "Authorization", CredentialLocation.Header, null, null)
        {
            InheritsCredential = true,
            Inherited = new EffectiveCredential(4, Guid.NewGuid(), "Acme key", CredentialType.BearerToken, partner, HierarchyLevel.Partner, "Acme"),
            Summary = "Bearer Token 'Acme key', inherited from partner Acme",
        });

        Assert.Contains("Inherit: Bearer Token 'Acme key', inherited from partner Acme", text);
        Assert.Contains("header", text);
        Assert.Contains("Authorization", text);
    }

    [Fact]
    public void An_inheriting_alert_with_nothing_above_it_is_No_Auth_without_a_stale_deletion_notice()
    {
        var text = Render(new WebhookAuth(null, null, null, "Hyrule", new DateTime(2026, 11, 23, 22, 5, 0, DateTimeKind.Utc)) { InheritsCredential = true });

        Assert.StartsWith("No Auth", text.Trim());
        Assert.Contains("Inherit: no level above the alert has a credential.", text);
        Assert.DoesNotContain("Hyrule", text);
    }
}
