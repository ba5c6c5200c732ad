using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.E2E.Tests;

/// <summary>
/// What a person types travels to the server over the circuit; no log category, at any level, may write it out
/// (SignalR's hub dispatcher logs every invocation's arguments at Debug).
/// </summary>
public sealed class SecretsInLogsTests(BrowserFixture browser) : PortalTest(browser)
{
    private readonly CapturingLoggerProvider logs = new();

    protected override void ConfigurePortal(IWebHostBuilder builder) =>
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            // Above the settings file's own levels for these prefixes (a rule of the same category added later wins).
            logging.AddFilter("Microsoft.AspNetCore", LogLevel.Trace);
            logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Trace);
            logging.Services.AddSingleton<ILoggerProvider>(logs);
        });

    [Fact]
    public async Task Values_typed_into_the_credential_form_reach_no_log_line_at_Trace()
    {
        const string clientId = "typed-client-Q7xv2";
        const string secret = "typed-secret-Zr8k4";
        var list = await LogInAndOpenCredentialsAsync();
        var form = await list.NewCredentialAsync();
        await form.Name.FillAsync("Typed partner");
        await form.ChooseTypeAsync("Client ID and Secret");
        await form.FieldName.FillAsync("auth");
        await form.EnterAsync(form.ClientId, clientId);
        await form.EnterAsync(form.Secret, secret);
        await form.SaveAsync();
        await list.ExpectOpenAsync();
        await list.ExpectNamesAsync("Typed partner");

        Assert.Contains(logs.Lines, line => line.Contains("Microsoft.AspNetCore.SignalR", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(clientId, StringComparison.Ordinal));
    }
}
