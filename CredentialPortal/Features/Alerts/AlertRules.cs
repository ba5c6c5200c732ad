using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;

namespace CredentialPortal.Features.Alerts;

/// <summary>Every validation rule of an alert that needs no database or network; the service adds the rest.</summary>
public static class AlertRules
{
    public const int NameMaxLength = 100;
    public const int UrlMaxLength = 2048;
    public const int MaxHeaders = 20;

    /// <summary>Field name → messages. Header fields are keyed "Headers[i].Name" / "Headers[i].Value".</summary>
    public static Dictionary<string, string[]> Validate(AlertInput input)
    {
        var errors = new ValidationErrors();

        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors.Add(nameof(input.Name), "Name is required.");
        }
        else if (input.Name.Trim().Length > NameMaxLength)
        {
            errors.Add(nameof(input.Name), $"Name must be at most {NameMaxLength} characters.");
        }
        else if (CredentialRules.HasForbiddenControlChars(input.Name))
        {
            errors.Add(nameof(input.Name), "Name must not contain line breaks (CR, LF) or NUL characters.");
        }

        if (input.Kind == AlertKind.PlatformEvent)
        {
            if (AlertCatalogue.PlatformEvents.All(e => e.Key != input.PlatformEvent))
            {
                errors.Add(nameof(input.PlatformEvent), "Choose the platform event that triggers the alert.");
            }
        }
        else if (input.Kind == AlertKind.RuntimeAlert)
        {
            if (AlertCatalogue.Metrics.All(m => m.Key != input.Metric))
            {
                errors.Add(nameof(input.Metric), "Choose a metric.");
            }
            if (input.Comparison is null || !Enum.IsDefined(input.Comparison.Value))
            {
                errors.Add(nameof(input.Comparison), "Choose a comparison.");
            }
            if (input.Threshold is null || !double.IsFinite(input.Threshold.Value))
            {
                errors.Add(nameof(input.Threshold), "Threshold is required.");
            }
            if (input.WindowMinutes is null || !AlertCatalogue.Windows.Contains(input.WindowMinutes.Value))
            {
                errors.Add(nameof(input.WindowMinutes), "Choose a window.");
            }
        }
        else
        {
            errors.Add(nameof(input.Kind), "Unknown kind of alert.");
        }

        if (input.WebhookEnabled)
        {
            ValidateWebhook(input, errors.Add);
        }

        return errors.ToDictionary();
    }

    private static void ValidateWebhook(AlertInput input, Action<string, string> add)
    {
        var url = input.WebhookUrl?.Trim();
        if (string.IsNullOrEmpty(url))
        {
            add(nameof(input.WebhookUrl), "URL is required.");
        }
        else if (url.Length > UrlMaxLength)
        {
            add(nameof(input.WebhookUrl), $"URL must be at most {UrlMaxLength} characters.");
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            add(nameof(input.WebhookUrl), "URL must be an absolute http:// or https:// address.");
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            add(nameof(input.WebhookUrl), "URL must not carry a user name or password; use a credential.");
        }
        else if (CredentialRules.HasForbiddenControlChars(url))
        {
            add(nameof(input.WebhookUrl), "URL must not contain line breaks (CR, LF) or NUL characters.");
        }

        if (!AlertCatalogue.Methods.Contains(input.WebhookMethod))
        {
            add(nameof(input.WebhookMethod), "Method must be POST, GET, PUT or DELETE.");
        }

        if (input.Headers.Count > MaxHeaders)
        {
            add(nameof(input.Headers), $"At most {MaxHeaders} extra headers.");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < input.Headers.Count; i++)
        {
            var header = input.Headers[i];
            var nameField = $"Headers[{i}].Name";
            var name = header.Name.Trim();
            if (name.Length == 0)
            {
                add(nameField, "Header name is required.");
            }
            else if (!CredentialRules.IsHttpToken(name))
            {
                add(nameField, "Not a valid header name (token): use only letters, digits and ! # $ % & ' * + - . ^ _ ` | ~.");
            }
            else if (!seen.Add(name))
            {
                add(nameField, "This header is already listed.");
            }
            else if (IsReserved(name))
            {
                add(nameField, $"{name} is set by the portal and cannot be added.");
            }
            if (CredentialRules.HasForbiddenControlChars(header.Value))
            {
                add($"Headers[{i}].Value", "Header value must not contain line breaks (CR, LF) or NUL characters.");
            }
        }
    }

    private static bool IsReserved(string name) =>
        name.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Connection", StringComparison.OrdinalIgnoreCase);
}
