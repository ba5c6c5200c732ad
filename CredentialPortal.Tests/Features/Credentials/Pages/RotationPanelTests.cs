using Bunit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Pages;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Credentials.Pages;

/// <summary>The credential page's Rotation section: its state, and Rotate and Roll back only for editors.</summary>
public sealed class RotationPanelTests : PortalComponentTest
{
    private Task<int> SignedAsync() => SeedAsync(new CredentialInput
    {
        Name = "Signed", Type = CredentialType.HmacSignature, Format = HmacFormat.StandardWebhooks, Secret = CredentialRules.NewStandardWebhooksSecret(),
    });

    private static IReadOnlyList<string> Buttons(IRenderedComponent<CredentialFormPage> page) =>
        [.. page.FindAll("[data-testid=rotation] button").Select(b => b.TextContent.Trim())];

    [Fact]
    public async Task An_editor_sees_the_window_Rotate_and_Roll_back()
    {
        var id = await SignedAsync();
        Assert.True((await Credentials.RotateAsync(id, new RotationInput { Generate = true, GracePeriodSeconds = 3_600 })).Succeeded);

        var page = Render<CredentialFormPage>(p => p.Add(c => c.Id, id));

        page.WaitForAssertion(() => Assert.Contains("the previous secret works until Nov 23, 2026, 10:05:00 UTC",
            page.Find("[data-testid=rotation-state]").TextContent));
        Assert.Equal(["Rotate", "Roll back"], Buttons(page));
    }

    [Fact]
    public async Task A_viewer_sees_the_state_but_neither_Rotate_nor_Roll_back()
    {
        var id = await SignedAsync();
        Assert.True((await Credentials.RotateAsync(id, new RotationInput { Generate = true })).Succeeded);
        Authorization.SetRoles(PortalRoles.Viewer);
        Authorization.SetPolicies(PortalPolicies.Viewer);

        var page = Render<CredentialFormPage>(p => p.Add(c => c.Id, id));

        page.WaitForAssertion(() => Assert.Contains("Rotated", page.Find("[data-testid=rotation-state]").TextContent));
        Assert.Empty(Buttons(page));
    }

    [Fact]
    public async Task Escape_closes_the_rotate_form_but_not_a_generated_secret_shown_once()
    {
        var id = await SignedAsync();
        var page = Render<CredentialFormPage>(p => p.Add(c => c.Id, id));
        page.WaitForAssertion(() => Assert.Contains("Rotate", Buttons(page)));

        var rotating = page.FindAll("[data-testid=rotation] button").Single(b => b.TextContent.Trim() == "Rotate").ClickAsync(new());
        Dialogs.WaitForAssertion(() => Assert.NotEmpty(Dialogs.FindAll("[role=dialog]")));
        var options = () => ((MudBlazor.IMudDialogInstance)Dialogs.FindComponent<MudBlazor.MudDialogContainer>().Instance).Options;
        Assert.True(options().CloseOnEscapeKey);
        // Generate is on for an HMAC credential.
        await Dialogs.Find("#rotate-form").SubmitAsync();
        Dialogs.WaitForAssertion(() => Assert.NotEmpty(Dialogs.FindAll("[data-testid=rotated-secret]")));

        Assert.False(options().CloseOnEscapeKey);
        await Dialogs.FindAll("[role=dialog] button").Single(b => b.TextContent.Trim() == "Done").ClickAsync(new());
        await rotating;
    }
}
