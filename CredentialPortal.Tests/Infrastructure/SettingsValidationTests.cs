using Microsoft.Extensions.Options;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>A setting that would break every request stops the app at start-up, naming itself.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Webhooks:TokenTimeoutSeconds", "0")]
    [InlineData("Webhooks:TokenTimeoutSeconds", "-5")]
    [InlineData("Webhooks:TokenResponseMaxBytes", "0")]
    [InlineData("Webhooks:TimeoutSeconds", "0")]
    [InlineData("Login:ClientAttemptsPerMinute", "0")]
    public async Task An_out_of_range_setting_stops_the_start(string key, string value)
    {
        await using var host = new PortalHost(settings: new Dictionary<string, string?> { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => host.CreateClient());
        Assert.Contains(key.Split(':')[1], error.Message);
    }
}
