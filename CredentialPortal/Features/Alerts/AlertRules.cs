using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;

namespace CredentialPortal.Features.Alerts;

/// <summary>Every validation rule of an alert that needs no database or network; the service adds the rest.</summary>
public static class AlertRules
{
    public const int NameMaxLength = 100;
    public const int UrlMaxLength = 2048;
    public const int MaxHeaders = 20;
    public const int HeaderValueMaxLength = CredentialRules.ValueMaxLength;

    /// <summary>Field name → messages. Header fields are keyed "Headers[i].Name" / "Headers[i].Value".</summary>
    public static Dictionary<string, string[]> Validate(AlertInput input)
    {
        var errors = new ValidationErrors();

        if (CredentialRules.NameError(input.Name, NameMaxLength) is { } nameError)
        {
            errors.Add(nameof(input.Name), nameError);
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
            var valueField = $"Headers[{i}].Value";
            if (string.IsNullOrWhiteSpace(header.Name))
            {
                add(nameField, "Header name is required.");
            }
            else if (CredentialRules.HeaderNameError(header.Name, "Header name") is { } nameError)
            {
                add(nameField, nameError);
            }
            else if (!seen.Add(header.Name.Trim()))
            {
                add(nameField, "This header is already listed.");
            }

            if (header.Value.Length > HeaderValueMaxLength)
            {
                add(valueField, $"Header value must be at most {HeaderValueMaxLength} characters.");
            }
            else if (CredentialRules.HeaderValueError(header.Value, "Header value") is { } valueError)
            {
                add(valueField, valueError);
            }
            else if (header.Secret && header.Value.Length == 0 && header.KeptFrom is null)
            {
                add(valueField, "A secret header needs a value.");
            }
            else if (!header.Secret && header.Value.Length == 0 && header.KeptFrom is not null)
            {
                // The saved value is never shown, so making the header plain needs its value typed again.
                add(valueField, "Type the value to stop keeping this header secret (a saved secret is never shown).");
            }
        }
    }
}
