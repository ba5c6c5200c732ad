using System.Collections;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace CredentialPortal.Features.Shared;

/// <summary>
/// Puts a domain rule set's messages beside the form's fields: runs <see cref="Rules"/> on submit and on each
/// field change, and shows errors the service returned (which stay until that field changes). A change re-checks
/// every field the person has already touched, since rules depend on each other (Location decides what a valid
/// Field Name is). A rule keyed "List[i].Field" (an alert's "Headers[0].Name") is the field of the list's i-th item,
/// where an input bound with <c>For="() => item.Field"</c> shows it.
/// </summary>
public sealed partial class RulesValidator : ComponentBase, IDisposable
{
    private ValidationMessageStore? messages;
    private readonly HashSet<FieldIdentifier> touched = [];
    private EditContext? subscribed;

    [CascadingParameter]
    private EditContext EditContext { get; set; } = default!;

    /// <summary>Field name → messages for the current model.</summary>
    [Parameter, EditorRequired]
    public Func<IReadOnlyDictionary<string, string[]>> Rules { get; set; } = default!;

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(subscribed, EditContext))
        {
            return;
        }
        Unsubscribe();
        subscribed = EditContext;
        messages = new ValidationMessageStore(EditContext);
        EditContext.OnValidationRequested += ValidateAll;
        EditContext.OnFieldChanged += ValidateField;
    }

    /// <summary>Shows messages the service returned on save.</summary>
    public void Show(IReadOnlyDictionary<string, string[]> errors)
    {
        messages!.Clear();
        foreach (var (field, list) in errors)
        {
            messages.Add(FieldOf(field), list);
        }
        EditContext.NotifyValidationStateChanged();
    }

    private void ValidateAll(object? sender, ValidationRequestedEventArgs e)
    {
        var errors = Rules();
        touched.UnionWith(errors.Keys.Select(FieldOf));
        Show(errors);
    }

    private void ValidateField(object? sender, FieldChangedEventArgs e)
    {
        touched.Add(e.FieldIdentifier);
        var errors = Rules().ToLookup(error => FieldOf(error.Key), error => error.Value);
        foreach (var field in touched)
        {
            messages!.Clear(field);
            foreach (var list in errors[field])
            {
                messages.Add(field, list);
            }
        }
        EditContext.NotifyValidationStateChanged();
    }

    /// <summary>The field a rule's key names: a property of the model, or of an item of one of its lists.</summary>
    private FieldIdentifier FieldOf(string key)
    {
        var model = EditContext.Model;
        if (ItemField().Match(key) is { Success: true } match
            && model.GetType().GetProperty(match.Groups["list"].Value)?.GetValue(model) is IList list
            && int.TryParse(match.Groups["index"].Value, out var index) && index < list.Count && list[index] is { } item)
        {
            return new FieldIdentifier(item, match.Groups["field"].Value);
        }
        return EditContext.Field(key);
    }

    [GeneratedRegex(@"^(?<list>\w+)\[(?<index>\d{1,4})\]\.(?<field>\w+)$")]
    private static partial Regex ItemField();

    private void Unsubscribe()
    {
        if (subscribed is null)
        {
            return;
        }
        subscribed.OnValidationRequested -= ValidateAll;
        subscribed.OnFieldChanged -= ValidateField;
        messages?.Clear();
    }

    public void Dispose() => Unsubscribe();
}
