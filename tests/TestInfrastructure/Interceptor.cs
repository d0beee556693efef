using System.Reflection;

namespace Distribution.Aspire.TestInfrastructure;

/// <summary>Test doubles that pass calls on to a real implementation, changing the ones a test picks.</summary>
public static class Interceptor
{
    /// <summary>
    /// A task of <paramref name="returnType"/> (<c>Task</c> or <c>Task&lt;T&gt;</c>) that is already cancelled, as a reconnecting
    /// Redis multiplexer leaves the commands it had in flight; null for any other type.
    /// </summary>
    public static Task? Cancelled(Type returnType) =>
        returnType == typeof(Task) ? Task.FromCanceled(new CancellationToken(canceled: true))
        : returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? (Task)typeof(Task).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Single(m => m.Name == nameof(Task.FromCanceled) && m.IsGenericMethod)
                .MakeGenericMethod(returnType.GetGenericArguments()[0])
                .Invoke(null, [new CancellationToken(canceled: true)])!
            : null;

    /// <summary>An implementation of <typeparamref name="T"/> that passes every call on to <paramref name="target"/> through <paramref name="hook"/>.</summary>
    public static T Wrap<T>(T target, Func<MethodInfo, object?[]?, Func<object?>, object?> hook)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, InterceptingProxy<T>>();
        var interceptor = (InterceptingProxy<T>)(object)proxy;
        interceptor.Target = target;
        interceptor.Hook = hook;
        return proxy;
    }
}

/// <summary>Not sealed: DispatchProxy derives its proxy type from it at run time.</summary>
public class InterceptingProxy<T> : DispatchProxy
    where T : class
{
    internal T Target { get; set; } = null!;

    internal Func<MethodInfo, object?[]?, Func<object?>, object?> Hook { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        Hook(targetMethod!, args, () =>
        {
            try
            {
                return targetMethod!.Invoke(Target, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        });
}
