package jvit.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML transformer that classifies images with a jvit model. The input column holds encoded
 * image files (the {@code binaryFile} source's {@code content}), paths to them, or the {@code image}
 * source's struct; the output adds the top labels ({@code array<string>}), their probabilities
 * ({@code array<double>}), optionally the logits (a vector), and an error column: null, or why that
 * row's image could not be classified (its labels are null then; the job goes on).
 *
 * <p>Each executor JVM loads the model once per model and device and shares it between its tasks;
 * a task classifies its partition {@code batch} rows per forward pass. The model is a local
 * directory present on every executor or any Hadoop path ({@code hdfs://...}), copied to each
 * executor once. A device that fails hands the executor's work to the {@code java} device
 * ({@code onFailure = fallback}, the default) or fails the task ({@code fail}).
 */
public final class ImageClassifier extends Transformer {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> model, inputCol, device, onFailure, labelsCol, probabilitiesCol, logitsCol, errorCol;
    private final IntParam batch, topK;

    public ImageClassifier(String uid) {
        this.uid = uid;
        model = new Param<>(this, "model", "the model: a directory with config.json and model.safetensors, local to every executor or on any Hadoop file system");
        inputCol = new Param<>(this, "inputCol", "the input column: image file bytes (binary), paths (string) or the image source's struct");
        device = new Param<>(this, "device", "the device each executor runs the model on (java, opencl:0, cuda:0, ...; auto: the fastest present)");
        onFailure = new Param<>(this, "onFailure", "when the device fails: fallback (go on with the java device) or fail (fail the task)");
        batch = new IntParam(this, "batch", "images per forward pass, taken from a partition's rows");
        topK = new IntParam(this, "topK", "the most probable classes to output per image");
        labelsCol = new Param<>(this, "labelsCol", "output column: the top labels, most probable first");
        probabilitiesCol = new Param<>(this, "probabilitiesCol", "output column: their probabilities");
        logitsCol = new Param<>(this, "logitsCol", "output column for the logits as a vector; empty for none");
        errorCol = new Param<>(this, "errorCol", "output column: null, or why the row's image could not be classified");
        setDefault(inputCol, "content");
        setDefault(device, "auto");
        setDefault(onFailure, "fallback");
        setDefault(batch, 8);
        setDefault(topK, 3);
        setDefault(labelsCol, "labels");
        setDefault(probabilitiesCol, "probabilities");
        setDefault(logitsCol, "");
        setDefault(errorCol, "error");
    }

    public ImageClassifier() {
        this(Identifiable.randomUID("jvitImageClassifier"));
    }

    @Override
    public String uid() { return uid; }

    public Param<String> model() { return model; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> device() { return device; }
    public Param<String> onFailure() { return onFailure; }
    public IntParam batch() { return batch; }
    public IntParam topK() { return topK; }
    public Param<String> labelsCol() { return labelsCol; }
    public Param<String> probabilitiesCol() { return probabilitiesCol; }
    public Param<String> logitsCol() { return logitsCol; }
    public Param<String> errorCol() { return errorCol; }

    public ImageClassifier setModel(String v) { set(model, v); return this; }
    public ImageClassifier setInputCol(String v) { set(inputCol, v); return this; }
    public ImageClassifier setDevice(String v) { set(device, v); return this; }
    public ImageClassifier setOnFailure(String v) { set(onFailure, v); return this; }
    public ImageClassifier setBatch(int v) { set(batch, v); return this; }
    public ImageClassifier setTopK(int v) { set(topK, v); return this; }
    public ImageClassifier setLabelsCol(String v) { set(labelsCol, v); return this; }
    public ImageClassifier setProbabilitiesCol(String v) { set(probabilitiesCol, v); return this; }
    public ImageClassifier setLogitsCol(String v) { set(logitsCol, v); return this; }
    public ImageClassifier setErrorCol(String v) { set(errorCol, v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(model)) throw new IllegalArgumentException("ImageClassifier: no model; call setModel(a model directory or Hadoop path)");
        String in = $(inputCol);
        if (!List.of(schema.fieldNames()).contains(in))
            throw new IllegalArgumentException("ImageClassifier: no input column '" + in + "' in " + schema.simpleString() + "; setInputCol to one");
        if (ImageInput.of(schema.apply(in).dataType()) == null)
            throw new IllegalArgumentException("ImageClassifier: input column '" + in + "' is " + schema.apply(in).dataType().simpleString()
                    + "; it should hold image bytes (binary), paths (string) or the image source's struct");
        if (!List.of("fallback", "fail").contains($(onFailure)))
            throw new IllegalArgumentException("ImageClassifier: onFailure '" + $(onFailure) + "'; use fallback or fail");
        for (IntParam p : List.of(batch, topK))
            if ((int) $(p) < 1) throw new IllegalArgumentException("ImageClassifier: " + p.name() + " must be positive, not " + $(p));
        List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
        fields.add(DataTypes.createStructField($(labelsCol), DataTypes.createArrayType(DataTypes.StringType, false), true));
        fields.add(DataTypes.createStructField($(probabilitiesCol), DataTypes.createArrayType(DataTypes.DoubleType, false), true));
        if (!$(logitsCol).isEmpty()) fields.add(DataTypes.createStructField($(logitsCol), SQLDataTypes.VectorType(), true));
        fields.add(DataTypes.createStructField($(errorCol), DataTypes.StringType, true));
        List<String> names = fields.stream().map(StructField::name).toList();
        for (String name : names)
            if (names.indexOf(name) != names.lastIndexOf(name))
                throw new IllegalArgumentException("ImageClassifier: column '" + name + "' exists already; choose another output column name");
        return DataTypes.createStructType(fields);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        HadoopConf conf = new HadoopConf(dataset.sparkSession().sparkContext().hadoopConfiguration());
        ModelLocation.check($(model), conf); // on the driver: a missing model is one error, not one per task
        StructType schema = dataset.schema();
        var partition = new ClassifyPartition(new ExecutorClassifier.Key($(model), $(device)), $(onFailure).equals("fallback"), conf,
                schema.fieldIndex($(inputCol)), ImageInput.of(schema.apply($(inputCol)).dataType()), (int) $(batch), (int) $(topK),
                !$(logitsCol).isEmpty());
        return dataset.toDF().mapPartitions(partition, Encoders.row(out));
    }

    @Override
    public ImageClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
