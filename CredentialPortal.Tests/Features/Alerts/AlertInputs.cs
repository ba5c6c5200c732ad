using CredentialPortal.Features.Alerts;

namespace CredentialPortal.Tests.Features.Alerts;

internal static class AlertInputs
{
    public static AlertInput RuntimeAlert(string name = "CPU high", Uri? url = null, int? credentialId = null, string method = "POST",
        params (string Name, string Value)[] headers) => new()
    {
        Name = name,
        Kind = AlertKind.RuntimeAlert,
        Metric = "cpu.percent",
        Comparison = MetricComparison.GreaterThan,
        Threshold = 90,
        WindowMinutes = 5,
        WebhookEnabled = url is not null,
        WebhookUrl = url?.ToString(),
        WebhookMethod = method,
        Headers = headers.Select(h => new HeaderInput { Name = h.Name, Value = h.Value }).ToList(),
        CredentialId = credentialId,
    };

    public static AlertInput PlatformEvent(string name = "Deploy failed", Uri? url = null, int? credentialId = null) => new()
    {
        Name = name,
        Kind = AlertKind.PlatformEvent,
        PlatformEvent = "deployment.failed",
        WebhookEnabled = url is not null,
        WebhookUrl = url?.ToString(),
        CredentialId = credentialId,
    };
}
