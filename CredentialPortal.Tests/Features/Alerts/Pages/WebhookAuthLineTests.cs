using Bunit;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Alerts.Pages;
using CredentialPortal.Features.Credentials;
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
}
