using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// Rotate on a Standard Webhooks credential's page, then Send test on an alert that uses it: the receiver verifies the
/// webhook with the old secret and with the new one.
/// </summary>
public sealed class CredentialRotationTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task A_rotated_credential_signs_the_test_webhook_with_both_secrets()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var oldSecret = CredentialRules.NewStandardWebhooksSecret();
        var saved = await App.Credentials.CreateAsync(new CredentialInput
        {
            Name = "Signed", Type = CredentialType.HmacSignature, Format = HmacFormat.StandardWebhooks, Secret = oldSecret,
        });
        Assert.True(saved.Succeeded);
        await CreateAlertAsync("Checkout latency", receiver.Url("/hooks/alert"), "Signed");

        var credentials = await LogInAndOpenCredentialsAsync();
        await credentials.EditAsync("Signed");
        var rotation = new RotationPanel(Page);
        await Expect(rotation.State).ToContainTextAsync("Not rotated");
        await Expect(rotation.RollBackButton).ToHaveCountAsync(0);

        // Escape closes the dialog and rotates nothing.
        await rotation.OpenRotateDialogAsync();
        // The dialog handles Escape once it has taken the focus (its first field), not while it is still opening.
        await Expect(rotation.GenerateSwitch).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Escape");
        await Expect(rotation.Dialog).ToHaveCountAsync(0);
        await Expect(rotation.State).ToContainTextAsync("Not rotated");

        var newSecret = await rotation.RotateWithGeneratedSecretAsync();
        await Expect(rotation.Snackbar("rotated")).ToContainTextAsync("the previous one works for 24 hours");
        await Expect(rotation.State).ToContainTextAsync(new Regex(@"Rotated \w{3} \d{1,2}, \d{4}, [\d:]+; the previous secret works until \w{3} \d{1,2}, \d{4}, [\d:]+\."));
        await Expect(rotation.RollBackButton).ToBeVisibleAsync();
        Assert.NotEqual(oldSecret, newSecret);
        // Shown once: the page itself holds neither secret.
        Assert.DoesNotContain(newSecret, await Page.ContentAsync());

        var overview = await OpenAlertAsync(new AppShell(Page), "Checkout latency");
        await Expect(await overview.SendTestAsync()).ToContainTextAsync("Delivered");

        var request = (await receiver.WaitForRequestsAsync(1)).Single();
        var signatures = request.Header("webhook-signature")!.Split(' ');
        var signed = Encoding.UTF8.GetBytes($"{request.Header("webhook-id")}.{request.Header("webhook-timestamp")}.").Concat(request.BodyBytes).ToArray();
        Assert.Equal(["v1," + Sign(newSecret, signed), "v1," + Sign(oldSecret, signed)], signatures);
    }

    private static string Sign(string secret, byte[] signed) =>
        Convert.ToBase64String(HMACSHA256.HashData(CredentialRules.StandardWebhooksKey(secret)!, signed));
}
