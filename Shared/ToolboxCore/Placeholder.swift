/// Pure domain of the toolbox.
public enum ToolboxCoreNamespace {}
