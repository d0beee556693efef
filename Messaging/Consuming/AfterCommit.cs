using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.Messaging.Consuming;

/// <summary>What the handlers of one transaction asked to run once it commits (<see cref="EventContext.OnCommitted"/>).</summary>
public sealed class AfterCommit
{
    // Most transactions ask for nothing: the list only exists once something is added.
    private List<Action>? _actions;

    internal void Add(Action action) => (_actions ??= []).Add(action);

    /// <summary>The transaction committed: runs them all; one that throws neither undoes the commit nor stops the others.</summary>
    internal void Run(ILogger logger)
    {
        if (_actions is null)
        {
            return;
        }

        foreach (var action in _actions)
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "An action to run after a handler's commit failed");
            }
        }

        _actions.Clear();
    }
}
